export { AuthModule } from './auth.module';
export { AUTH_OPTIONS, type AuthOptions, type RateLimitOptions, type SurfaceAccess } from './auth.options';
export { Access } from './access';
export { RequireScope } from './access.guard';
export { Caller } from './caller.decorator';
export { Public } from './public.decorator';
export { DEFAULT_SCOPES, type Principal, type ScopeNames } from './principal';
export { TokenVerifier } from './token.verifier';
export { docsGate } from './docs.gate';
