import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * The one enhancer event handlers get: what a handler throws reaches the event transport as
 * it was thrown, so the transport can tell a transient failure (retried) from a permanent
 * one (dead-lettered) by its kind. Nest's default filter for them would turn every error
 * into a plain `{ status, message }`.
 */
@Catch()
export class EventErrorsAsThrown implements RpcExceptionFilter {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}
