import { Controller, Get, Global, Header, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@orderflow/auth';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

@ApiExcludeController()
// Open unless METRICS_ACCESS=token.
@Public('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Prometheus metrics at `/metrics`: process defaults, HTTP request counts and latency, and
 * whatever other modules register on the shared `Registry` (consumers, outbox).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
  ],
  exports: [Registry],
})
export class MetricsModule implements NestModule {
  // The middleware is applied, not provided: Nest instantiates applied middleware itself,
  // and a second instance would register the same metric names twice.
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
