import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions, type LoggerSettings } from './logging/logger.options';
import { stopTracing } from './tracing/tracing.sdk';

/** Sends the spans still buffered once everything else has shut down. */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

/**
 * Structured logs (pino through nestjs-pino) with the correlation fields of the work under
 * way, and the end of tracing when the app closes. Tracing itself starts before Nest
 * (`@orderflow/observability/tracing`).
 */
@Module({})
export class TelemetryModule {
  static forRoot(settings: LoggerSettings): DynamicModule {
    return {
      module: TelemetryModule,
      imports: [LoggerModule.forRoot(loggerOptions(settings))],
      providers: [TracingShutdown],
    };
  }
}
