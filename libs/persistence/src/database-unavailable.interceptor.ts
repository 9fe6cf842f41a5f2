import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ProblemException } from '@orderflow/rest';
import { catchError, throwError, type Observable } from 'rxjs';
import { isDatabaseUnavailable } from './database-unavailable';

/** Seconds a client is asked to wait: about the time the driver takes to find a server again. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Every HTTP route of a service with a database answers `503` with `Retry-After` when the
 * database is down, not `500`: a client and a load balancer retry a 503, and it is the truth
 * (nothing is wrong with the request or the code). Nothing is stored in that case, or it
 * was stored whole (one insert); a retry with the same Idempotency-Key finds it. Event
 * handlers never pass through it: their transport retries what fails for these reasons.
 */
@Injectable()
export class DatabaseUnavailableInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Database');

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!isDatabaseUnavailable(error)) return throwError(() => error);
        this.logger.warn(`answering 503: the database is unavailable (${(error as Error).name}: ${(error as Error).message})`);
        return throwError(
          () =>
            new ProblemException(503, 'The database is unavailable right now; retry shortly.', {
              'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
            }),
        );
      }),
    );
  }
}
