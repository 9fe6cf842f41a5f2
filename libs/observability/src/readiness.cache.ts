import { Logger } from '@nestjs/common';
import { runProbe, type ReadinessProbe } from './readiness.probe';

/** Each probe's verdict: up, or down. Why it is down goes to the log, never to the caller. */
export type Readiness = ReadonlyMap<string, boolean>;

/**
 * Runs every probe at most once per `cacheMs`, however often readiness is asked: callers
 * that arrive while a check runs share it, and those within `cacheMs` after it get its
 * answer. `/health/ready` takes no token and is not rate limited (a 429 would take a healthy
 * replica out of service), so without this each call would cost a database ping and a
 * broker round trip, for anyone able to reach the port.
 */
export class ReadinessCache {
  private readonly logger = new Logger('Readiness');
  private running: Promise<Readiness> | undefined;
  private last: { at: number; readiness: Readiness } | undefined;
  /** Why each probe that is down failed last time, to log a reason once, not on every check. */
  private reasons = new Map<string, string>();

  constructor(
    private readonly probes: readonly ReadinessProbe[],
    private readonly cacheMs: number,
  ) {}

  current(): Promise<Readiness> {
    if (this.running) return this.running;
    if (this.last && Date.now() - this.last.at < this.cacheMs) return Promise.resolve(this.last.readiness);
    this.running = this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<Readiness> {
    const verdicts = await Promise.all(
      this.probes.map(async (probe) => {
        try {
          await runProbe(probe);
          return [probe.name, null] as const;
        } catch (error) {
          return [probe.name, (error as Error).message] as const;
        }
      }),
    );
    const readiness = new Map(verdicts.map(([name, failure]) => [name, failure === null]));
    const reasons = new Map<string, string>();
    for (const [name, failure] of verdicts) {
      if (failure === null) {
        if (this.reasons.has(name)) this.logger.log(`${name} is usable again`);
        continue;
      }
      reasons.set(name, failure);
      if (this.reasons.get(name) !== failure) this.logger.warn(`${name} is not usable: ${failure}`);
    }
    this.reasons = reasons;
    this.last = { at: Date.now(), readiness };
    return readiness;
  }
}
