import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuthConfig, AuthModule, authOptionsOf } from '@orderflow/auth';
import { TelemetryModule } from '@orderflow/observability';
import { RequestTimeoutInterceptor } from './request-timeout.interceptor';
import { configOf } from './config.loader';
import { ServiceEnv } from './service-env.config';

/** Injection token for the running service's name, e.g. `order-api`. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');

/**
 * Token under which a module may provide a Nest microservice transport (the Kafka event
 * consumer); `bootstrapService` connects and starts it when present.
 */
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');

/**
 * Root of every service: makes each validated config class injectable everywhere (the libs'
 * modules take theirs in `forRootAsync`, the app's code its own), puts every route behind
 * authentication, rate limits and a time limit, then loads the app's module.
 */
@Module({})
export class ServiceModule {
  static register(app: Type<unknown>, name: string, configs: object[]): DynamicModule {
    const config = configOf(configs, ServiceEnv);
    const providers = [
      { provide: SERVICE_NAME, useValue: name },
      ...configs.map((instance) => ({ provide: instance.constructor, useValue: instance })),
    ];
    return {
      module: ServiceModule,
      global: true,
      imports: [
        TelemetryModule.forRoot({ service: name, level: config.LOG_LEVEL, format: config.LOG_FORMAT, tty: process.stdout.isTTY }),
        AuthModule.forRootAsync({ inject: [AuthConfig], useFactory: authOptionsOf }),
        app,
      ],
      providers: [
        ...providers,
        { provide: APP_INTERCEPTOR, useValue: new RequestTimeoutInterceptor(config.HTTP_REQUEST_TIMEOUT_MS) },
      ],
      exports: providers.map((p) => p.provide),
    };
  }
}
