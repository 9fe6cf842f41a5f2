export { AuthModule } from './auth.module';
export { AUTH_OPTIONS, type AuthOptions } from './auth.options';
export { Access } from './access';
export { RequireScope } from './access.guard';
export { Caller } from './caller.decorator';
export { Public } from './public.decorator';
export { type Principal } from './principal';
export { TokenVerifier } from './token.verifier';
export { docsGate } from './docs.gate';
