import type { NextFunction, Request, Response } from 'express';
import { bodyShapeProblem, MAX_BODY_DEPTH } from './body-shape.check';

/**
 * Refuses a JSON body of a hostile shape (`bodyShapeProblem`) with a 400 before any route,
 * pipe or logger sees it. Mount it right after the JSON parser: Nest's ValidationPipe and
 * class-transformer walk a body recursively, and a body a few thousand levels deep (20 KB,
 * well under the size limit) overflowed the stack there, which answered 500 and logged an
 * error for what is the caller's mistake.
 */
export function bodyShape(maxDepth = MAX_BODY_DEPTH) {
  return (request: Request, _response: Response, next: NextFunction): void => next(bodyShapeProblem(request.body, maxDepth));
}
