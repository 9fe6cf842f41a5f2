import type { NextFunction, Request, Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE } from './problem';

export interface KnownRoute {
  /** An OpenAPI path template, e.g. `/orders/{id}/cancel`. */
  path: string;
  methods: string[];
}

const templateToRegex = (path: string) =>
  new RegExp(
    `^${path
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}/?$`,
  );

/**
 * Answers `405 Method Not Allowed` with `Allow` for a path that exists with other methods,
 * instead of the router's 404 ("no such path" would be wrong). Paths nobody serves still
 * fall through to 404. HEAD is allowed wherever GET is, as Express serves it.
 */
export function methodNotAllowed(routes: KnownRoute[], options: { cors: boolean }) {
  const compiled = routes.map((route) => ({
    regex: templateToRegex(route.path),
    methods: [...new Set(route.methods.map((m) => m.toUpperCase()).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))],
  }));
  return (request: Request, response: Response, next: NextFunction): void => {
    const matching = compiled.filter((route) => route.regex.test(request.path));
    if (matching.length === 0) return next();
    const allowed = [...new Set(matching.flatMap((route) => route.methods))];
    // OPTIONS is the CORS preflight when cross-origin callers are configured.
    if (allowed.includes(request.method) || (request.method === 'OPTIONS' && options.cors)) return next();
    response
      .status(405)
      .setHeader('Allow', allowed.join(', '))
      .type(PROBLEM_CONTENT_TYPE)
      .json(problem(405, `${request.method} is not allowed on ${request.path}; it allows ${allowed.join(', ')}.`));
  };
}
