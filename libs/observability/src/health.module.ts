import { DynamicModule, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReadinessCache } from './readiness.cache';
import { ReadinessProbe } from './readiness.probe';

export interface HealthOptions {
  /** How long one readiness check answers every caller; kubelet asks every few seconds. */
  cacheMs?: number;
}

/**
 * `/health/live` and `/health/ready`. The probes are providers exported by other modules
 * (the Mongo and Kafka modules each export theirs), so readiness checks the very clients
 * the service uses rather than opening connections of its own.
 */
@Module({})
export class HealthModule {
  static forRoot(probes: Type<ReadinessProbe>[], options: HealthOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      // Failed checks are answered as 503 with details; logging each one would flood the logs.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        {
          provide: ReadinessCache,
          useFactory: (...instances: ReadinessProbe[]) => new ReadinessCache(instances, options.cacheMs ?? 1_000),
          inject: probes,
        },
      ],
    };
  }
}
