import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { insufficientScope, keysUnavailable, tokenInvalid, tokenRequired } from './auth.problems';
import type { AuthenticatedRequest } from './caller.decorator';
import type { ScopeNames } from './principal';
import { PUBLIC_ROUTE } from './public.decorator';

const REQUIRED_SCOPE = 'orderflow:required-scope';

/** A route only callers holding this scope may use (403 `insufficient_scope` otherwise). */
export const RequireScope = (scope: keyof ScopeNames) => SetMetadata(REQUIRED_SCOPE, scope);

/**
 * Every HTTP route needs an authenticated caller unless it is `@Public()`; a route with
 * `@RequireScope()` needs that scope too. Finer rules (whose data) are the handlers' own,
 * through `Access`. Event handlers never meet it: they get none of the HTTP enhancers.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const surface = this.reflector.getAllAndOverride<string | undefined>(PUBLIC_ROUTE, targets);
    if (surface === 'always' || (surface === 'metrics' && this.options.metrics === 'open')) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.principal) {
      if (request.authFailure === 'invalid') throw tokenInvalid();
      if (request.authFailure === 'keys-unavailable') throw keysUnavailable();
      throw tokenRequired();
    }
    const scope = this.reflector.getAllAndOverride<keyof ScopeNames | undefined>(REQUIRED_SCOPE, targets);
    if (scope && !request.principal.scopes.has(this.options.scopes[scope])) {
      throw insufficientScope(this.options.scopes[scope], `This request needs the scope ${this.options.scopes[scope]}.`);
    }
    return true;
  }
}
