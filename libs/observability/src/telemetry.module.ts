import { ConfigurableModuleBuilder, Global, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
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

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<LoggerSettings>({ moduleName: 'Telemetry' })
  .setClassMethodName('forRoot')
  // The transform completes the module for forRoot and forRootAsync alike.
  .setExtras({}, (definition) => withLogger(definition))
  .build();

/**
 * Structured logs (pino through nestjs-pino) with the correlation fields of the work under
 * way, and the end of tracing when the app closes: `forRoot` / `forRootAsync`. Tracing itself
 * starts before Nest (`@orderflow/observability/tracing`).
 */
@Global()
@Module({})
export class TelemetryModule extends ConfigurableModuleClass {}

/**
 * Adds the logger, made from the module's settings. nestjs-pino makes it in a global module
 * of its own, which can inject the settings because this module is global and exports them.
 */
function withLogger(module: DynamicModule): DynamicModule {
  return {
    ...module,
    imports: [...(module.imports ?? []), LoggerModule.forRootAsync({ inject: [MODULE_OPTIONS_TOKEN], useFactory: loggerOptions })],
    providers: [...(module.providers ?? []), TracingShutdown],
    exports: [MODULE_OPTIONS_TOKEN],
  };
}
