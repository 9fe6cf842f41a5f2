import type { IncomingMessage, ServerResponse } from 'node:http';
import { validTraceparent } from '../tracing/trace.context';
import { LogContext } from './log.context';

/**
 * Express middleware, installed before every other: each request gets log fields of its
 * own, which handlers fill in (`markCorrelation`) and every line logged for it — the request
 * line included — carries.
 */
export function requestLogScope(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  LogContext.run({ traceparent: validTraceparent(req.headers['traceparent']) }, next);
}
