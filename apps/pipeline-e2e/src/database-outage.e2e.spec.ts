import { freePort, infraEnv, startService, TcpProxy, uniqueName, waitUntilReady, type ServiceProcess } from '@orderflow/testing';
import { customerToken, orderReaches, putProduct, staffToken, securityEnv } from '@orderflow/stack';
import { withOwnServices } from './support/own-services';

interface Answer {
  route: string;
  status: number;
  retryAfter: string | null;
  type: string | null;
}

/**
 * A service whose MongoDB goes away answers 503 with Retry-After on every route, so clients
 * and load balancers retry, never 500; and whatever it accepted before is still there after.
 */
withOwnServices('it starts services of its own and cuts their connection to MongoDB')('a database outage', () => {
  const started: { service: ServiceProcess; proxy: TcpProxy }[] = [];

  /** A service of its own whose MongoDB connection runs through a proxy the test can cut. */
  async function behindProxy(name: 'order-api' | 'inventory-service', database: string) {
    const mongo = new URL(infraEnv().MONGODB_URI);
    const proxy = new TcpProxy({ host: mongo.hostname, port: Number(mongo.port || 27017) }, await freePort());
    await proxy.start();
    const service = startService(name, {
      ...infraEnv(),
      ...securityEnv(),
      PORT: String(await freePort()),
      MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}`,
      // The suite's own database, so the suite's services carry its orders on.
      MONGODB_DATABASE: `${database}-e2e-${process.env['E2E_RUN_ID']}`,
    });
    started.push({ service, proxy });
    await waitUntilReady(service);
    return { service, proxy };
  }

  afterAll(async () => {
    for (const { service, proxy } of started) {
      expect(await service.stop()).toBe(0);
      await proxy.stop();
    }
  });

  async function request(
    url: string,
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer & { body: unknown }> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      route: `${method} ${path}`,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      type: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    };
  }

  it('answers 503 with Retry-After on every order-api route, and loses nothing it accepted', async () => {
    const { service, proxy } = await behindProxy('order-api', 'orders');
    const sku = uniqueName('OUTAGE');
    await putProduct(sku, { price: 500, stock: 100 });
    const customer = uniqueName('outage');
    const token = await customerToken(customer);
    const order = (key: string) =>
      request(service.url, 'POST', '/orders', token, { customerId: customer, items: [{ sku, quantity: 1 }] }, { 'Idempotency-Key': key });

    const before = await order(uniqueName('key'));
    expect(before.status).toBe(202);
    const id = (before.body as { id: string }).id;

    await proxy.stop();
    const keys = Array.from({ length: 20 }, () => uniqueName('key'));
    const staff = await staffToken();
    const during = await Promise.all([
      ...keys.map((key) => order(key)),
      request(service.url, 'GET', `/orders/${id}`, token),
      request(service.url, 'GET', `/orders/${id}/timeline`, token),
      request(service.url, 'GET', `/orders?customerId=${customer}`, token),
      request(service.url, 'POST', `/orders/${id}/cancel`, staff),
    ]);
    const summary = during.map(({ route, status, retryAfter, type }) => ({
      route: route.replace(/[0-9a-f-]{36}/, '{id}'),
      status,
      retryAfter,
      type,
    }));
    // An order whose insert reached the database before the cut may be accepted (202);
    // anything else is refused as a retryable outage, never as a server error.
    const retryable = (a: Answer) => a.status === 503 && a.retryAfter === '5' && Boolean(a.type?.includes('application/problem+json'));
    expect(summary.filter((a) => !retryable(a) && !(a.status === 202 && a.route === 'POST /orders'))).toEqual([]);
    expect(summary.slice(keys.length).map((a) => a.status)).toEqual([503, 503, 503, 503]);

    await proxy.start();
    await waitUntilReady(service, 60_000);
    // Every order accepted before or during the outage is there; every refused one goes
    // through when retried with its key, and all of them end final.
    const retried = await Promise.all(keys.map((key) => order(key)));
    expect(retried.map((r) => r.status)).toEqual(keys.map(() => 202));
    const ids = [id, ...retried.map((r) => (r.body as { id: string }).id)];
    for (const accepted of during.slice(0, keys.length).filter((a) => a.status === 202)) {
      expect(ids).toContain((accepted.body as { id: string }).id);
    }
    const final = await Promise.all(ids.map((orderId) => orderReaches(orderId)));
    expect(final.map((o) => o.status)).toEqual(ids.map(() => 'CONFIRMED'));
  });

  it('answers 503 with Retry-After on inventory-service routes too', async () => {
    const { service, proxy } = await behindProxy('inventory-service', 'inventory');
    const staff = await staffToken();
    await proxy.stop();
    const answers = await Promise.all([
      request(service.url, 'GET', '/products', staff),
      request(service.url, 'GET', `/products/${uniqueName('SKU')}`, staff),
      request(service.url, 'PUT', `/products/${uniqueName('SKU')}`, staff, { name: 'x', price: 1, stock: 1 }),
    ]);
    expect(answers.map(({ route, status, retryAfter }) => ({ route: route.split(' ')[0], status, retryAfter }))).toEqual([
      { route: 'GET', status: 503, retryAfter: '5' },
      { route: 'GET', status: 503, retryAfter: '5' },
      { route: 'PUT', status: 503, retryAfter: '5' },
    ]);
    await proxy.start();
    await waitUntilReady(service, 60_000);
  });
});
