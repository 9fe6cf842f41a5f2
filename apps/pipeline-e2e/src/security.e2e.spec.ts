import {
  freePort,
  infraEnv,
  issueToken,
  rawRequest,
  SCOPES,
  startService,
  uniqueName,
  waitUntilReady,
  type ServiceProcess,
} from '@orderflow/testing';
import {
  call,
  customerToken,
  getProduct,
  orderReaches,
  placeOrder,
  putProduct,
  staffToken,
  tokens,
  scrape,
  type Sample,
  notificationsSent,
  fetchWithinRateLimits,
  securityEnv,
  serviceUrl,
  SERVICES,
  type ServiceName,
} from '@orderflow/stack';
import { withOwnServices } from './support/own-services';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const as = async (customerId: string) => bearer(await customerToken(customerId));
const staffWith = async (...scopes: string[]) => bearer(await tokens().get(`staff-${scopes.join('+') || 'none'}`, scopes));
const issuerUrl = () => process.env['TOKEN_ISSUER_URL'] as string;

/** A confirmed order of `customerId` over a fresh product. */
async function confirmedOrderOf(customerId: string) {
  const sku = uniqueName('SEC');
  await putProduct(sku, { price: 1500, stock: 5 });
  const order = await orderReaches((await placeOrder(customerId, [{ sku, quantity: 1 }])).id);
  expect(order.status).toBe('CONFIRMED');
  return order;
}

describe('authentication', () => {
  const guarded: [(typeof SERVICES)[number]['name'], string][] = [
    ['order-api', '/orders'],
    ['inventory-service', '/products'],
    ['points-service', '/customers/c-1/points'],
    ['notification-service', '/notifications'],
  ];

  it.each(guarded)('%s refuses %s without a token: 401 problem+json with the bare Bearer challenge', async (service, path) => {
    const response = await call(service, 'GET', path, undefined, { authorization: '' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orderflow"');
    expect(response.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
  });

  it.each(guarded)('%s refuses %s with an expired, a foreign or a malformed token alike', async (service, path) => {
    const bad = [
      await issueToken(issuerUrl(), { sub: 'alice', expires_in: -600 }),
      await issueToken(issuerUrl(), { sub: 'alice', aud: 'another-api' }),
      await issueToken(issuerUrl(), { sub: 'alice', iss: 'https://issuer.example.com' }),
      'a.b.c',
    ];
    for (const token of bad) {
      const response = await call(service, 'GET', path, undefined, bearer(token));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer realm="orderflow", error="invalid_token", error_description="The access token is invalid or has expired"',
      );
      expect(response.body).toEqual({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'The access token is invalid or has expired.',
      });
    }
  });

  it.each(SERVICES.map((s) => s.name))('%s keeps /health/*, /metrics and /docs open by default', async (service) => {
    const url = serviceUrl(service);
    // Also as the router folds them: case and a trailing slash change nothing.
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs', '/docs-json', '/HEALTH/LIVE', '/Metrics/', '/DOCS-JSON']) {
      expect({ path, status: (await fetchWithinRateLimits(`${url}${path}`)).status }).toEqual({ path, status: 200 });
    }
  });

  it.each(SERVICES.map((s) => s.name))('%s sends security headers and allows no cross-origin callers by default', async (service) => {
    const response = await fetch(`${serviceUrl(service)}/health/live`, { headers: { origin: 'https://elsewhere.example.com' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('a customer acts only as themselves', () => {
  it('cannot place an order for another customer (403)', async () => {
    const sku = uniqueName('SEC');
    await putProduct(sku, { price: 100, stock: 5 });
    const response = await call(
      'order-api',
      'POST',
      '/orders',
      { customerId: uniqueName('bob'), items: [{ sku, quantity: 1 }] },
      await as(uniqueName('alice')),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it("finds another customer's order, timeline and cancel as unknown (404), and their own as usual", async () => {
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    const order = await confirmedOrderOf(alice);
    for (const [method, path] of [
      ['GET', `/orders/${order.id}`],
      ['GET', `/orders/${order.id}/timeline`],
      ['POST', `/orders/${order.id}/cancel`],
    ]) {
      const foreign = await call('order-api', method, path, undefined, await as(bob));
      const unknown = await call(
        'order-api',
        method,
        path.replace(order.id, '00000000-0000-4000-8000-000000000000'),
        undefined,
        await as(bob),
      );
      expect({ path, status: foreign.status, body: { ...foreign.body, detail: undefined } }).toEqual({
        path,
        status: 404,
        body: { ...unknown.body, detail: undefined },
      });
    }
    expect((await call('order-api', 'GET', `/orders/${order.id}`, undefined, await as(alice))).body).toMatchObject({
      id: order.id,
      status: 'CONFIRMED',
    });
    expect((await call('order-api', 'GET', `/orders/${order.id}/timeline`, undefined, await as(alice))).status).toBe(200);
    const cancelled = await call('order-api', 'POST', `/orders/${order.id}/cancel`, undefined, await as(alice));
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
  });

  it("is refused another customer's order list (403) and sees only their own without a filter", async () => {
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    const [mine] = await Promise.all([confirmedOrderOf(alice), confirmedOrderOf(bob)]);
    const foreign = await call('order-api', 'GET', `/orders?customerId=${bob}`, undefined, await as(alice));
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('www-authenticate')).toBe(
      `Bearer realm="orderflow", error="insufficient_scope", scope="${SCOPES.staffRead}"`,
    );
    const own = await call('order-api', 'GET', '/orders?limit=100', undefined, await as(alice));
    expect(own.status).toBe(200);
    expect(own.body.items.map((o: { id: string }) => o.id)).toEqual([mine.id]);
  });

  it("is refused another customer's points (403) and reads their own", async () => {
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    expect((await call('points-service', 'GET', `/customers/${bob}/points`, undefined, await as(alice))).status).toBe(403);
    expect((await call('points-service', 'GET', `/customers/${alice}/points`, undefined, await as(alice))).body).toEqual({
      customerId: alice,
      balance: 0,
      entries: [],
    });
  });

  it("is refused another customer's notifications (403), and finds none by another customer's order id", async () => {
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    const order = await confirmedOrderOf(bob);
    await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED']);
    expect((await call('notification-service', 'GET', `/notifications?customerId=${bob}`, undefined, await as(alice))).status).toBe(403);
    const byOrder = await call('notification-service', 'GET', `/notifications?orderId=${order.id}`, undefined, await as(alice));
    expect(byOrder).toMatchObject({ status: 200, body: { items: [] } });
    const own = await call('notification-service', 'GET', `/notifications?orderId=${order.id}`, undefined, await as(bob));
    expect(own.body.items.map((n: { kind: string }) => n.kind)).toContain('ORDER_CONFIRMED');
  });

  it('may read products but not change them (403 insufficient_scope)', async () => {
    const sku = uniqueName('SEC');
    await putProduct(sku, { price: 100, stock: 5 });
    const alice = await as(uniqueName('alice'));
    expect((await call('inventory-service', 'GET', `/products/${sku}`, undefined, alice)).status).toBe(200);
    const put = await call('inventory-service', 'PUT', `/products/${sku}`, { name: 'x', price: 1, stock: 1 }, alice);
    expect(put.status).toBe(403);
    expect(put.headers.get('www-authenticate')).toBe(
      `Bearer realm="orderflow", error="insufficient_scope", scope="${SCOPES.inventoryAdmin}"`,
    );
    expect((await call('inventory-service', 'POST', `/products/${sku}/stock-adjustments`, { delta: 5, reason: 'x' }, alice)).status).toBe(
      403,
    );
  });
});

describe('staff scopes', () => {
  it("read any customer's orders, timelines, points and notifications with the read scope", async () => {
    const alice = uniqueName('alice');
    const order = await confirmedOrderOf(alice);
    await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED']);
    const staff = await staffWith(SCOPES.staffRead);
    expect((await call('order-api', 'GET', `/orders/${order.id}`, undefined, staff)).status).toBe(200);
    expect((await call('order-api', 'GET', `/orders/${order.id}/timeline`, undefined, staff)).status).toBe(200);
    expect((await call('order-api', 'GET', `/orders?customerId=${alice}`, undefined, staff)).body.items).toHaveLength(1);
    expect((await call('points-service', 'GET', `/customers/${alice}/points`, undefined, staff)).status).toBe(200);
    expect(
      (await call('notification-service', 'GET', `/notifications?customerId=${alice}`, undefined, staff)).body.items.length,
    ).toBeGreaterThan(0);
  });

  it('cancel any order only with the cancel scope', async () => {
    const order = await confirmedOrderOf(uniqueName('alice'));
    const reader = await call('order-api', 'POST', `/orders/${order.id}/cancel`, undefined, await staffWith(SCOPES.staffRead));
    expect(reader.status).toBe(403);
    expect(reader.headers.get('www-authenticate')).toBe(
      `Bearer realm="orderflow", error="insufficient_scope", scope="${SCOPES.staffCancel}"`,
    );
    const canceller = await call('order-api', 'POST', `/orders/${order.id}/cancel`, undefined, await staffWith(SCOPES.staffCancel));
    expect(canceller).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
  });

  it("never place an order in a customer's name", async () => {
    const sku = uniqueName('SEC');
    await putProduct(sku, { price: 100, stock: 5 });
    const response = await call(
      'order-api',
      'POST',
      '/orders',
      { customerId: uniqueName('alice'), items: [{ sku, quantity: 1 }] },
      bearer(await staffToken()),
    );
    expect(response.status).toBe(403);
  });

  it('administer products only with the inventory admin scope', async () => {
    const sku = uniqueName('SEC');
    const product = { name: 'Mug', price: 1250, stock: 3 };
    expect(
      (await call('inventory-service', 'PUT', `/products/${sku}`, product, await staffWith(SCOPES.staffRead, SCOPES.staffCancel))).status,
    ).toBe(403);
    const admin = await staffWith(SCOPES.inventoryAdmin);
    expect((await call('inventory-service', 'PUT', `/products/${sku}`, product, admin)).status).toBe(201);
    expect(
      (await call('inventory-service', 'POST', `/products/${sku}/stock-adjustments`, { delta: 2, reason: 'restock' }, admin)).body,
    ).toMatchObject({ available: 5 });
  });
});

describe('Idempotency-Key is scoped to the caller', () => {
  it('gives two customers using the same key an order each, and tells neither about the other', async () => {
    const sku = uniqueName('SEC');
    await putProduct(sku, { price: 100, stock: 10 });
    const key = uniqueName('shared-key');
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    const order = (customerId: string) => ({ customerId, items: [{ sku, quantity: 1 }] });
    const first = await call('order-api', 'POST', '/orders', order(alice), { 'Idempotency-Key': key });
    const second = await call('order-api', 'POST', '/orders', order(bob), { 'Idempotency-Key': key });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
    // Each one's repeat replays their own order.
    const again = await call('order-api', 'POST', '/orders', order(bob), { 'Idempotency-Key': key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(second.body.id);
  });
});

describe('query strings cannot smuggle MongoDB operators', () => {
  const attempts = (parameter: string) => [
    `${parameter}[$ne]=x`,
    `${parameter}[$gt]=`,
    `${parameter}=a&${parameter}=b`,
    `${parameter}[a][b]=c`,
  ];

  it.each([
    ['order-api', '/orders', ['customerId', 'status', 'cursor', 'limit']],
    ['inventory-service', '/products', ['cursor', 'limit']],
    ['notification-service', '/notifications', ['customerId', 'orderId', 'limit']],
  ] as const)('%s GET %s answers 400 problem+json', async (service, path, parameters) => {
    for (const query of parameters.flatMap(attempts)) {
      const response = await call(service, 'GET', `${path}?${query}`);
      expect({ query, status: response.status, type: response.headers.get('content-type') }).toEqual({
        query,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
    }
  });

  it.each([
    ['order-api', '/orders/%7B%22%24ne%22%3A1%7D'],
    ['order-api', '/orders/%7B%22%24ne%22%3A1%7D/timeline'],
    ['inventory-service', '/products/%7B%22%24ne%22%3A1%7D'],
    ['points-service', '/customers/%7B%22%24ne%22%3A1%7D/points'],
  ] as const)('%s GET %s (an operator as a path id) answers 400', async (service, path) => {
    expect((await call(service, 'GET', path)).status).toBe(400);
  });
});

describe('hostile request bodies', () => {
  interface Route {
    path: string;
    /** A body the route accepts as it is. */
    body: Record<string, unknown>;
    headers?: Record<string, string>;
    /** Fails unless the route is where it was before the refused requests. */
    unchanged: () => Promise<void>;
  }

  /** Every route that takes a body, as its service's OpenAPI document names it. */
  const routes: Record<string, () => Promise<Route>> = {
    'order-api POST /orders': async () => {
      const [sku, customerId] = [uniqueName('HB'), uniqueName('hb')];
      await putProduct(sku, { price: 100, stock: 5 });
      return {
        path: '/orders',
        body: { customerId, items: [{ sku, quantity: 1 }] },
        headers: await as(customerId),
        unchanged: async () =>
          expect((await call('order-api', 'GET', `/orders?customerId=${customerId}`)).body).toEqual({ items: [], nextCursor: null }),
      };
    },
    'inventory-service PUT /products/{sku}': async () => {
      const sku = uniqueName('HB');
      return {
        path: `/products/${sku}`,
        body: { name: 'Mug', price: 100, stock: 1 },
        unchanged: async () => expect((await call('inventory-service', 'GET', `/products/${sku}`)).status).toBe(404),
      };
    },
    'inventory-service POST /products/{sku}/stock-adjustments': async () => {
      const sku = uniqueName('HB');
      await putProduct(sku, { price: 100, stock: 1 });
      return {
        path: `/products/${sku}/stock-adjustments`,
        body: { delta: 1, reason: 'restock' },
        unchanged: async () => expect(await getProduct(sku)).toMatchObject({ available: 1 }),
      };
    },
  };
  const serviceOf = (route: string) => route.split(' ')[0] as ServiceName;
  const methodOf = (route: string) => route.split(' ')[1];

  const deep = {
    arrays: '['.repeat(5_000) + ']'.repeat(5_000),
    objects: '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  };
  /** `body` as JSON with `key` added: JSON.stringify of a nested 5,000 deep would itself overflow. */
  const withKey = (body: object, key: string, json: string) => `${JSON.stringify(body).slice(0, -1)},${JSON.stringify(key)}:${json}}`;
  const serverErrors = (samples: Sample[]) =>
    samples.filter((s) => s.name === 'http_requests_total' && s.labels['status']?.startsWith('5')).reduce((sum, s) => sum + s.value, 0);

  it('has a body for every route that takes one, so a new route cannot go untried', async () => {
    const withBody: string[] = [];
    for (const service of SERVICES.map((s) => s.name)) {
      const document = await call(service, 'GET', '/docs-json');
      expect(document.status).toBe(200);
      for (const [path, item] of Object.entries<Record<string, { requestBody?: unknown }>>(document.body.paths)) {
        for (const [method, operation] of Object.entries(item))
          if (operation?.requestBody) withBody.push(`${service} ${method.toUpperCase()} ${path}`);
      }
    }
    expect(withBody.sort()).toEqual(Object.keys(routes).sort());
  });

  it.each(Object.keys(routes))(
    '%s answers arrays or objects 5,000 deep (20 KB) with 400 naming the limit, and counts no server error',
    async (name) => {
      const service = serviceOf(name);
      const route = await routes[name]();
      const errorsBefore = serverErrors(await scrape(service));
      for (const text of [deep.arrays, deep.objects, withKey(route.body, 'x', deep.arrays), withKey(route.body, 'x', deep.objects)]) {
        const response = await call(service, methodOf(name), route.path, text, route.headers);
        expect({
          text: text.slice(0, 40),
          status: response.status,
          type: response.headers.get('content-type'),
          body: response.body,
        }).toEqual({
          text: text.slice(0, 40),
          status: 400,
          type: expect.stringContaining('application/problem+json'),
          body: expect.objectContaining({ status: 400, detail: 'The request body is nested deeper than 32 levels of arrays and objects.' }),
        });
        // Refused before any route runs, and still with the security headers.
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
      await route.unchanged();
      expect(serverErrors(await scrape(service))).toBe(errorsBefore);
      expect((await call(service, methodOf(name), route.path, route.body, route.headers)).status).toBeLessThan(300);
    },
  );

  it.each(Object.keys(routes))(
    '%s refuses __proto__, constructor and prototype as keys (400, named like any unknown property), and changes nothing',
    async (name) => {
      const service = serviceOf(name);
      const route = await routes[name]();
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const response = await call(service, methodOf(name), route.path, withKey(route.body, key, '{"admin":true}'), route.headers);
        expect({ key, status: response.status, errors: response.body.errors }).toEqual({
          key,
          status: 400,
          errors: [{ field: key, message: `property ${key} should not exist` }],
        });
      }
      await route.unchanged();
      expect((await call(service, methodOf(name), route.path, route.body, route.headers)).status).toBeLessThan(300);
    },
  );

  it.each(['__proto__', 'constructor', 'prototype'])('refuses an order line carrying %s, and places no order', async (key) => {
    const route = await routes['order-api POST /orders']();
    const [line] = (route.body as { items: object[] }).items;
    const text = JSON.stringify(route.body).replace(JSON.stringify(line), withKey(line, key, '{"admin":true}'));
    const response = await call('order-api', 'POST', '/orders', text, route.headers);
    expect(response).toMatchObject({
      status: 400,
      body: { errors: [{ field: `items[0].${key}`, message: `property ${key} should not exist` }] },
    });
    await route.unchanged();
  });
});

withOwnServices('it starts an order-api without the token issuer settings, then with AUTH_DISABLED=true')(
  'turning authentication off',
  () => {
    it('takes AUTH_DISABLED=true, nothing less, and the service says so loudly at start', async () => {
      const env = { ...infraEnv(), PORT: String(await freePort()), MONGODB_DATABASE: `orders-e2e-${process.env['E2E_RUN_ID']}` };
      // Without the issuer's settings and without the explicit switch, the service refuses to start.
      const refused = startService('order-api', env);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain('AUTH_JWKS_URL is missing');

      // Same database as the suite's order-api, so joining its consumer group changes nothing.
      const open = startService('order-api', { ...env, AUTH_DISABLED: 'true' });
      try {
        await waitUntilReady(open);
        expect(open.output()).toContain('AUTHENTICATION IS DISABLED (AUTH_DISABLED=true)');
        expect((await fetch(`${open.url}/orders?limit=1`)).status).toBe(200);
      } finally {
        expect(await open.stop()).toBe(0);
      }
    });
  },
);

/**
 * The access modes of the docs and /metrics on a running order-api, probed with the
 * spellings a router or a proxy folds together: case, a trailing or doubled slash,
 * percent-encoding, dot segments.
 */
withOwnServices('it starts order-api processes of its own with other DOCS_ACCESS and METRICS_ACCESS settings')(
  'DOCS_ACCESS and METRICS_ACCESS hold for every spelling of a path',
  () => {
    const docs = [
      '/docs',
      '/DOCS',
      '/docs-json',
      '/DOCS-JSON',
      '/Docs-json',
      '/docs-json/',
      '/docs-yaml',
      '/DOCS/swagger-ui-init.js',
      '//docs-json',
      '/%64ocs-json',
      '/docs%2Djson',
      '/x/../docs-json',
    ];
    const metrics = ['/metrics', '/METRICS', '/Metrics/', '//metrics', '/%6Detrics'];
    const health = ['/health/live', '/HEALTH/LIVE', '/health/ready/'];
    const started: ServiceProcess[] = [];

    // Same database as the suite's order-api, so joining its consumer group changes nothing.
    async function orderApiWith(access: Record<string, string>) {
      const env = {
        ...infraEnv(),
        ...securityEnv(),
        PORT: String(await freePort()),
        MONGODB_DATABASE: `orders-e2e-${process.env['E2E_RUN_ID']}`,
        ...access,
      };
      const service = startService('order-api', env);
      started.push(service);
      await waitUntilReady(service);
      return service.url;
    }
    const statuses = async (url: string, paths: string[], headers: Record<string, string> = {}) =>
      Object.fromEntries(await Promise.all(paths.map(async (path) => [path, (await rawRequest(url, path, { headers })).status] as const)));
    const none200 = (answers: Record<string, number>) => Object.entries(answers).filter(([, status]) => status === 200);
    const all = (paths: string[], status: number) => Object.fromEntries(paths.map((path) => [path, status]));

    afterAll(async () => {
      for (const service of started) expect(await service.stop()).toBe(0);
    });

    it('token: neither the docs nor /metrics answer without a valid token, in any spelling; health stays open', async () => {
      const url = await orderApiWith({ DOCS_ACCESS: 'token', METRICS_ACCESS: 'token' });
      expect(await statuses(url, docs)).toEqual(all(docs, 401));
      expect(none200(await statuses(url, metrics))).toEqual([]);
      expect(await statuses(url, health)).toEqual(all(health, 200));
      const token = bearer(await customerToken(uniqueName('reader')));
      expect(await statuses(url, ['/docs-json', '/DOCS-JSON', '/metrics', '/METRICS'], token)).toEqual(
        all(['/docs-json', '/DOCS-JSON', '/metrics', '/METRICS'], 200),
      );
    });

    it('off: no spelling of the docs is served, even with a token', async () => {
      const url = await orderApiWith({ DOCS_ACCESS: 'off' });
      expect(await statuses(url, docs)).toEqual(all(docs, 404));
      expect(await statuses(url, docs, bearer(await customerToken(uniqueName('reader'))))).toEqual(all(docs, 404));
    });
  },
);
