import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';

/** What authentication left on the request for the guard and the handlers. */
export interface AuthenticatedRequest {
  principal?: Principal;
  authFailure?: 'missing' | 'invalid' | 'keys-unavailable';
}

/** The authenticated caller of a route (every route that is not `@Public()` has one). */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@Caller() on a route that has no authenticated caller');
  return principal;
});
