import { Global, Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { eventually } from '@orderflow/testing';
import { HealthModule } from './health.module';
import type { ReadinessProbe } from './readiness.probe';

/** A dependency whose answers the test sets, counting how often it is asked. */
@Injectable()
class DatabaseProbe implements ReadinessProbe {
  readonly name = 'mongodb';
  calls = 0;
  failure: Error | null = null;

  async check(): Promise<void> {
    this.calls++;
    // Answers after a moment, as a real ping does, so calls arriving meanwhile overlap.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failure) throw this.failure;
  }
}

/** As the Mongo and Kafka modules do: the probe is exported for HealthModule to inject. */
@Global()
@Module({ providers: [DatabaseProbe], exports: [DatabaseProbe] })
class DatabaseModule {}

describe('GET /health/ready', () => {
  let app: INestApplication;
  let url: string;
  let probe: DatabaseProbe;

  beforeAll(async () => {
    @Module({ imports: [DatabaseModule, HealthModule.forRoot([DatabaseProbe], { cacheMs: 1_000 })] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    probe = app.get(DatabaseProbe);
  });

  afterAll(async () => {
    await app?.close();
  });

  afterEach(() => {
    probe.failure = null;
  });

  const ready = async () => {
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, body: await response.json() };
  };

  it('names a dependency that is down, and never repeats what its driver said', async () => {
    probe.failure = new Error('connect ECONNREFUSED 10.1.2.3:27017 (mongo-0.internal.example)');
    await eventually(
      async () => {
        expect(await ready()).toEqual({
          status: 503,
          body: { status: 'error', info: {}, error: { mongodb: { status: 'down' } }, details: { mongodb: { status: 'down' } } },
        });
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    probe.failure = null;
    await eventually(async () => expect((await ready()).status).toBe(200), { timeoutMs: 5_000, intervalMs: 50 });
  });

  it('asks each dependency once per interval, however many callers ask at once or in a row', async () => {
    await eventually(async () => expect((await ready()).status).toBe(200), { timeoutMs: 5_000, intervalMs: 50 });
    const before = probe.calls;
    const answers = await Promise.all(Array.from({ length: 200 }, () => ready()));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // 200 calls, not 200 pings: the cached answer, and at most one fresh check if it expired meanwhile.
    expect(probe.calls - before).toBeLessThanOrEqual(1);
    // Once the interval has passed, the dependency is asked again.
    const after = probe.calls;
    await eventually(
      async () => {
        await ready();
        expect(probe.calls).toBeGreaterThan(after);
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
  });
});
