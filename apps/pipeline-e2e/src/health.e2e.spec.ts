import { freePort, infraEnv, startService, TcpProxy, waitUntilReady, eventually } from '@orderflow/testing';
import { securityEnv, serviceUrl, SERVICES } from '@orderflow/stack';
import { withOwnServices } from './support/own-services';

describe('every service', () => {
  it.each(SERVICES.map((s) => s.name))('%s is live, ready and documents its API', async (name) => {
    const url = serviceUrl(name);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      details: { mongodb: { status: 'up' }, kafka: { status: 'up' } },
    });

    expect((await fetch(`${url}/docs`)).status).toBe(200);
  });
});

withOwnServices('it starts each service with a missing or malformed variable')('configuration', () => {
  const valid = async () => ({ ...infraEnv(), ...securityEnv(), PORT: String(await freePort()) });

  it.each([
    ['PORT', undefined, 'PORT is missing'],
    ['KAFKA_BROKERS', undefined, 'KAFKA_BROKERS is missing'],
    ['MONGODB_URI', undefined, 'MONGODB_URI is missing'],
    ['PORT', 'eighty', 'PORT must be a whole number'],
    ['KAFKA_BROKERS', 'kafka', 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    ['MONGODB_URI', 'postgres://db', 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI'],
  ])('a service with %s=%s stops at once, naming it', async (variable, value, message) => {
    const env: Record<string, string> = await valid();
    if (value === undefined) delete env[variable];
    else env[variable] = value;

    for (const { name } of SERVICES) {
      const service = startService(name, env);
      expect(await service.exited).toBe(1);
      expect(service.output()).toContain(`${name}: invalid configuration: ${message}`);
      expect(service.output()).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

withOwnServices('it starts an order-api of its own and cuts its connection to MongoDB')('readiness', () => {
  it('answers 503 naming MongoDB while it is unreachable, and 200 again once it returns', async () => {
    const mongo = new URL(infraEnv().MONGODB_URI);
    const proxy = new TcpProxy({ host: mongo.hostname, port: Number(mongo.port || 27017) }, await freePort());
    await proxy.start();
    const service = startService('order-api', {
      ...infraEnv(),
      ...securityEnv(),
      PORT: String(await freePort()),
      MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}`,
      MONGODB_DATABASE: `orders-e2e-${process.env['E2E_RUN_ID']}`,
    });
    try {
      await waitUntilReady(service);

      await proxy.stop();
      const down = await eventually(
        async () => {
          const response = await fetch(`${service.url}/health/ready`);
          expect(response.status).toBe(503);
          return response.json();
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      // Names only: the driver's reason (an address, a host name) stays in the service's log.
      expect(down).toEqual({
        status: 'error',
        info: { kafka: { status: 'up' } },
        error: { mongodb: { status: 'down' } },
        details: { kafka: { status: 'up' }, mongodb: { status: 'down' } },
      });
      expect((await fetch(`${service.url}/health/live`)).status).toBe(200);

      await proxy.start();
      await waitUntilReady(service, 60_000);
    } finally {
      expect(await service.stop()).toBe(0);
      await proxy.stop();
    }
  });
});
