import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { bearerToken } from './bearer.token';
import type { AuthenticatedRequest } from './caller.decorator';
import { unrestricted } from './principal';
import { KeysUnavailable, TokenVerifier } from './token.verifier';

/**
 * Authenticates every request before any guard runs, so the rate limiter can tell callers
 * apart: it leaves the verified caller, or why there is none, on the request. Whether a
 * route needs a caller is the access guard's decision. The token itself goes nowhere else.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly verifier: TokenVerifier,
  ) {}

  async use(request: Request, _response: Response, next: NextFunction): Promise<void> {
    await authenticate(request as Request & AuthenticatedRequest, this.options, this.verifier);
    next();
  }
}

export async function authenticate(request: Request & AuthenticatedRequest, options: AuthOptions, verifier: TokenVerifier): Promise<void> {
  if (request.principal || request.authFailure) return;
  if (options.disabled) {
    request.principal = unrestricted(options.scopes);
    return;
  }
  const bearer = bearerToken(request.headers.authorization);
  if (bearer.kind === 'missing') request.authFailure = 'missing';
  else if (bearer.kind === 'malformed') request.authFailure = 'invalid';
  else {
    try {
      request.principal = await verifier.verify(bearer.token);
    } catch (error) {
      request.authFailure = error instanceof KeysUnavailable ? 'keys-unavailable' : 'invalid';
    }
  }
}
