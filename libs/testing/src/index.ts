export { infraEnv, type InfraEnv } from './infra.env';
export { eventually } from './eventually';
export { uniqueName } from './unique-name';
export { freePort, freePorts } from './free-port';
export { startService, waitUntilReady, type ServiceProcess } from './service.process';
export { TcpProxy } from './tcp.proxy';
export { authEnv, issueToken, SCOPES, startTokenIssuer, TokenCache, type TokenIssuerProcess } from './token.issuer';
export { checkPromql } from './promql.check';
export { rawRequest, type RawAnswer } from './raw.request';
