import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ProblemFilter, type ErrorStatuses } from './problem.filter';
import { validationPipe } from './validation.problem';

/**
 * The REST edge of a service: DTO validation for every route and problem+json for every
 * error, with the service's domain error codes mapped to HTTP statuses.
 */
@Module({})
export class RestModule {
  static forRoot(options: { errorStatuses: ErrorStatuses }): DynamicModule {
    return {
      module: RestModule,
      providers: [
        { provide: APP_PIPE, useFactory: validationPipe },
        { provide: APP_FILTER, useFactory: () => new ProblemFilter(options.errorStatuses) },
      ],
    };
  }
}
