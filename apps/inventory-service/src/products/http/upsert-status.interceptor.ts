import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/** What a create-or-replace route returns: its body, and whether the write created the resource. */
export interface Upserted<T> {
  created: boolean;
  body: T;
}

/**
 * A `PUT` that creates answers 201, one that replaces answers the route's `@HttpCode(200)`
 * (RFC 9110 §9.3.4). The one status that depends on the outcome is set here, so controllers
 * never touch the response.
 */
@Injectable()
export class UpsertStatusInterceptor implements NestInterceptor<Upserted<unknown>, unknown> {
  intercept(context: ExecutionContext, next: CallHandler<Upserted<unknown>>): Observable<unknown> {
    return next.handle().pipe(
      map(({ created, body }) => {
        if (created) context.switchToHttp().getResponse<Response>().status(201);
        return body;
      }),
    );
  }
}
