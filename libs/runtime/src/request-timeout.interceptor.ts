import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ProblemException } from '@orderflow/rest';
import { catchError, throwError, timeout, TimeoutError, type Observable } from 'rxjs';

/**
 * Answers 503 when a handler takes longer than the limit, instead of holding the client
 * (and a socket) for as long as a stuck dependency does. The work itself is not undone:
 * a POST that timed out may still be stored, which is what Idempotency-Key is for.
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  constructor(private readonly limitMs: number) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout({ first: this.limitMs }),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof TimeoutError
            ? new ProblemException(503, `The request took longer than ${this.limitMs} ms; it may be retried.`, { 'Retry-After': '1' })
            : error,
        ),
      ),
    );
  }
}
