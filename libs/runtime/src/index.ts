export { ServiceEnv } from './service-env.config';
export { ConfigError, loadConfig, type ConfigProblem } from './config.loader';
export { EVENT_TRANSPORT, ServiceModule, SERVICE_NAME } from './service.module';
export { bootstrapService, BODY_LIMIT, type ServiceDefinition } from './service.bootstrap';
