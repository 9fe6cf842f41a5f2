import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@orderflow/auth';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessCache } from './readiness.cache';

@ApiTags('health')
// Probes carry no token: health is open whatever else is closed.
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(ReadinessCache) private readonly readiness: ReadinessCache,
  ) {}

  /** The process is up and its event loop answers; nothing external is checked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * 200 only when every dependency answers; 503 naming the ones that do not — by name only:
   * a driver's error text tells a stranger host names and addresses (the log has it).
   */
  @Get('ready')
  @HealthCheck()
  async ready() {
    const readiness = await this.readiness.current();
    return this.health.check(
      [...readiness].map(
        ([name, up]) =>
          async () =>
            up ? this.indicators.check(name).up() : this.indicators.check(name).down(),
      ),
    );
  }
}
