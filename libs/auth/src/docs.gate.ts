import { canonicalPath } from '@orderflow/rest';
import type { NextFunction, Request, Response } from 'express';
import type { AuthOptions } from './auth.options';
import { tokenInvalid, tokenRequired } from './auth.problems';
import type { AuthenticatedRequest } from './caller.decorator';
import { authenticate } from './authentication.middleware';
import type { TokenVerifier } from './token.verifier';

/**
 * `/docs`, `/docs-json`, `/docs-yaml` and `/docs/…` in any spelling: the router serves
 * `/DOCS-JSON/` as `/docs-json`, so the gate reads the canonical path, and takes anything
 * that merely starts like the docs (`/docs.json`) as docs too — a token asked for a path
 * nobody serves costs nothing.
 */
const DOCS = /^\/docs(?![a-z0-9_])/;

/**
 * The OpenAPI pages are served outside Nest's routing, so Nest's guards never see them:
 * this Express middleware applies `DOCS_ACCESS=token` to them.
 */
export function docsGate(options: AuthOptions, verifier: TokenVerifier) {
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    if (options.docs !== 'token' || !DOCS.test(canonicalPath(request.path))) return next();
    const authenticated = request as Request & AuthenticatedRequest;
    await authenticate(authenticated, options, verifier);
    if (authenticated.principal) return next();
    const refusal = authenticated.authFailure === 'invalid' ? tokenInvalid() : tokenRequired();
    for (const [name, value] of Object.entries(refusal.headers)) response.setHeader(name, value);
    response
      .status(401)
      .type('application/problem+json')
      .json({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: refusal.message });
  };
}
