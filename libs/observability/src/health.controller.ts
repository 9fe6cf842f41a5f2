import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@orderflow/auth';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_PROBES, ReadinessProbe, runProbe } from './readiness.probe';

@ApiTags('health')
// Probes carry no token: health is open whatever else is closed.
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  /** The process is up and its event loop answers; nothing external is checked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 only when every dependency answers; 503 naming the ones that do not. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.probes.map((probe) => () => this.probe(probe)));
  }

  private async probe(probe: ReadinessProbe) {
    const indicator = this.indicators.check(probe.name);
    try {
      await runProbe(probe);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
