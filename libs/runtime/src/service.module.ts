import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuthConfig, AuthModule, authOptionsOf } from '@orderflow/auth';
import { LogConfig, TelemetryModule } from '@orderflow/observability';
import { RequestTimeoutInterceptor } from './request-timeout.interceptor';
import { configOf } from '@orderflow/config';
import { RuntimeConfig } from './runtime.config';

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
    const log = configOf(configs, LogConfig);
    const providers = [
      { provide: SERVICE_NAME, useValue: name },
      ...configs.map((instance) => ({ provide: instance.constructor, useValue: instance })),
    ];
    return {
      module: ServiceModule,
      global: true,
      // The validated configs are at hand here, so forRoot; the app's modules are declared
      // before the environment is read, so they take theirs in forRootAsync.
      imports: [
        TelemetryModule.forRoot({ service: name, level: log.LOG_LEVEL, format: log.LOG_FORMAT, tty: process.stdout.isTTY }),
        AuthModule.forRoot(authOptionsOf(configOf(configs, AuthConfig))),
        app,
      ],
      providers: [
        ...providers,
        { provide: APP_INTERCEPTOR, useValue: new RequestTimeoutInterceptor(configOf(configs, RuntimeConfig).HTTP_REQUEST_TIMEOUT_MS) },
      ],
      exports: providers.map((p) => p.provide),
    };
  }
}
