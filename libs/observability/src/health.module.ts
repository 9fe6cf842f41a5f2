import { DynamicModule, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_PROBES, ReadinessProbe } from './readiness.probe';

/**
 * `/health/live` and `/health/ready`. The probes are providers exported by other modules
 * (the Mongo and Kafka modules each export theirs), so readiness checks the very clients
 * the service uses rather than opening connections of its own.
 */
@Module({})
export class HealthModule {
  static forRoot(probes: Type<ReadinessProbe>[]): DynamicModule {
    return {
      module: HealthModule,
      // Failed checks are answered as 503 with details; logging each one would flood the logs.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_PROBES,
          useFactory: (...instances: ReadinessProbe[]) => instances,
          inject: probes,
        },
      ],
    };
  }
}
