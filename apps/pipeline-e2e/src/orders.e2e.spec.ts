import { uniqueName } from '@orderflow/testing';
import { call, getProduct, type ApiResponse, orderReaches, placeOrder, putProduct } from '@orderflow/stack';

const customer = () => uniqueName('c');

describe('placing an order', () => {
  it('confirms it with the prices and total inventory reserved at', async () => {
    const [mug, tea] = [uniqueName('MUG'), uniqueName('TEA')];
    await putProduct(mug, { price: 1250, stock: 10 });
    await putProduct(tea, { price: 499, stock: 5 });

    const placed = await call('order-api', 'POST', '/orders', {
      customerId: 'c-1',
      items: [
        { sku: mug, quantity: 2 },
        { sku: tea, quantity: 3 },
      ],
    });
    expect(placed.status).toBe(202);
    expect(placed.headers.get('location')).toBe(`/orders/${placed.body.id}`);
    expect(placed.body).toMatchObject({ status: 'PENDING', total: null, currency: 'USD', rejection: null });

    const order = await orderReaches(placed.body.id);
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      items: [
        { sku: mug, quantity: 2, unitPrice: 1250 },
        { sku: tea, quantity: 3, unitPrice: 499 },
      ],
      total: 3997,
      rejection: null,
    });
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(await getProduct(mug)).toMatchObject({ available: 8, reserved: 2 });
    expect(await getProduct(tea)).toMatchObject({ available: 2, reserved: 3 });
  });

  it('rejects it when a SKU is short, naming the short SKUs', async () => {
    const sku = uniqueName('LAMP');
    await putProduct(sku, { price: 5000, stock: 1 });
    const order = await orderReaches((await placeOrder(customer(), [{ sku, quantity: 2 }])).id);
    expect(order).toMatchObject({ status: 'REJECTED', rejection: { reason: 'OUT_OF_STOCK', skus: [sku] }, total: null });
    expect(await getProduct(sku)).toMatchObject({ available: 1, reserved: 0 });
  });

  it('rejects it when a SKU is unknown, naming the unknown SKUs', async () => {
    const known = uniqueName('PEN');
    await putProduct(known, { price: 100, stock: 3 });
    const [ghost1, ghost2] = [uniqueName('GHOST'), uniqueName('GHOST')];
    const order = await orderReaches(
      (
        await placeOrder(customer(), [
          { sku: ghost1, quantity: 1 },
          { sku: known, quantity: 1 },
          { sku: ghost2, quantity: 1 },
        ])
      ).id,
    );
    expect(order.status).toBe('REJECTED');
    expect(order.rejection.reason).toBe('UNKNOWN_SKU');
    expect([...order.rejection.skus].sort()).toEqual([ghost1, ghost2].sort());
    expect(await getProduct(known)).toMatchObject({ available: 3, reserved: 0 });
  });

  it('reserves nothing of a multi-line order when one line is short', async () => {
    const skus = [uniqueName('A'), uniqueName('B'), uniqueName('C')];
    await putProduct(skus[0], { price: 100, stock: 5 });
    await putProduct(skus[1], { price: 200, stock: 1 });
    await putProduct(skus[2], { price: 300, stock: 5 });
    const order = await orderReaches(
      (
        await placeOrder(
          customer(),
          skus.map((sku) => ({ sku, quantity: 2 })),
        )
      ).id,
    );
    expect(order).toMatchObject({ status: 'REJECTED', rejection: { reason: 'OUT_OF_STOCK', skus: [skus[1]] } });
    for (const sku of skus) expect((await getProduct(sku)).reserved).toBe(0);
    expect((await getProduct(skus[0])).available).toBe(5);
    expect((await getProduct(skus[2])).available).toBe(5);
  });

  it('never oversells: 60 concurrent single-unit orders against stock 37 confirm exactly 37', async () => {
    const sku = uniqueName('HOT');
    await putProduct(sku, { price: 100, stock: 37 });
    const placed = await Promise.all(Array.from({ length: 60 }, () => placeOrder(customer(), [{ sku, quantity: 1 }])));
    const orders = await Promise.all(placed.map((order) => orderReaches(order.id, undefined, 60_000)));
    expect(orders.filter((o) => o.status === 'CONFIRMED')).toHaveLength(37);
    expect(orders.filter((o) => o.status === 'REJECTED')).toHaveLength(23);
    expect(await getProduct(sku)).toMatchObject({ available: 0, reserved: 37 });
  });
});

describe('Idempotency-Key', () => {
  const body = (sku: string) => ({ customerId: 'c-idem', items: [{ sku, quantity: 1 }] });

  it('replays the stored answer for the same key and body, creating nothing', async () => {
    const sku = uniqueName('IDEM');
    await putProduct(sku, { price: 100, stock: 10 });
    const key = uniqueName('key');
    const first = await call('order-api', 'POST', '/orders', body(sku), { 'Idempotency-Key': key });
    await orderReaches(first.body.id);
    const again = await call('order-api', 'POST', '/orders', body(sku), { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(`/orders/${first.body.id}`);
    expect(again.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await getProduct(sku)).toMatchObject({ reserved: 1 });
  });

  it('answers 422 for the same key with a different body', async () => {
    const key = uniqueName('key');
    const sku = uniqueName('IDEM');
    expect((await call('order-api', 'POST', '/orders', body(sku), { 'Idempotency-Key': key })).status).toBe(202);
    // Keys are scoped to the caller, so the body differs in its lines: another customerId
    // would be another caller, with keys of their own.
    const other = await call('order-api', 'POST', '/orders', { ...body(sku), items: [{ sku, quantity: 2 }] }, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
  });

  it('creates exactly one order when 20 requests race with one key', async () => {
    const sku = uniqueName('RACE');
    await putProduct(sku, { price: 100, stock: 100 });
    const key = uniqueName('key');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('order-api', 'POST', '/orders', body(sku), { 'Idempotency-Key': key })),
    );
    // Each answer is the order (first or replayed) or a 409 "still being processed".
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    const ids = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202 && a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    await orderReaches([...ids][0]);
    expect(await getProduct(sku)).toMatchObject({ reserved: 1, available: 99 });
  });
});

describe('reading orders', () => {
  it('answers 404 for an unknown order and 400 for an id that is not a UUID', async () => {
    const unknown = await call('order-api', 'GET', '/orders/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await call('order-api', 'GET', '/orders/not-a-uuid')).status).toBe(400);
  });

  it("lists a customer's orders newest first, page by page", async () => {
    const who = customer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await placeOrder(who, [{ sku: 'ANY', quantity: 1 }])).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `/orders?customerId=${who}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: ApiResponse = await call('order-api', 'GET', query);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((o: { id: string }) => o.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status', async () => {
    const who = customer();
    const ghost = await placeOrder(who, [{ sku: uniqueName('GHOST'), quantity: 1 }]);
    await orderReaches(ghost.id);
    const rejected = await call('order-api', 'GET', `/orders?customerId=${who}&status=REJECTED`);
    expect(rejected.body.items.map((o: { id: string }) => o.id)).toEqual([ghost.id]);
    expect((await call('order-api', 'GET', `/orders?customerId=${who}&status=CONFIRMED`)).body).toEqual({ items: [], nextCursor: null });
  });
});

describe('bad requests get problem+json naming what is wrong', () => {
  const valid = { customerId: 'c-1', items: [{ sku: 'SKU-1', quantity: 1 }] };

  it.each<[string, unknown, string[]]>([
    ['missing customerId', { items: valid.items }, ['customerId']],
    ['missing items', { customerId: 'c-1' }, ['items']],
    ['no items', { ...valid, items: [] }, ['items']],
    ['51 items', { ...valid, items: Array.from({ length: 51 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }, ['items']],
    ['a repeated SKU', { ...valid, items: [valid.items[0], valid.items[0]] }, ['items']],
    ['quantity 0', { ...valid, items: [{ sku: 'A', quantity: 0 }] }, ['items[0].quantity']],
    ['quantity 1001', { ...valid, items: [{ sku: 'A', quantity: 1001 }] }, ['items[0].quantity']],
    ['a fractional quantity', { ...valid, items: [{ sku: 'A', quantity: 1.5 }] }, ['items[0].quantity']],
    ['a quantity as text', { ...valid, items: [{ sku: 'A', quantity: '2' }] }, ['items[0].quantity']],
    ['a bad SKU', { ...valid, items: [{ sku: 'no spaces', quantity: 1 }] }, ['items[0].sku']],
    ['a bad customerId', { ...valid, customerId: 'a/b' }, ['customerId']],
    ['an unknown property', { ...valid, coupon: 'FREE' }, ['coupon']],
    ['an unknown line property', { ...valid, items: [{ sku: 'A', quantity: 1, price: 0 }] }, ['items[0].price']],
    ['two bad fields', { customerId: '', items: [{ sku: 'A', quantity: -1 }] }, ['customerId', 'items[0].quantity']],
  ])('400 for %s', async (_, body, fields) => {
    const response = await call('order-api', 'POST', '/orders', body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    const named = new Set(response.body.errors.map((e: { field: string }) => e.field));
    expect([...named].sort()).toEqual([...fields].sort());
  });

  it('400 for malformed JSON, without a stack trace', async () => {
    const response = await call('order-api', 'POST', '/orders', '{"customerId": ');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(response.body)).not.toMatch(/\bat \S+ \(/);
  });

  it('413 for a body over 64 KiB', async () => {
    const response = await call('order-api', 'POST', '/orders', { ...valid, padding: 'x'.repeat(70 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ status: 413 });
  });

  it('400 for a malformed Idempotency-Key', async () => {
    const response = await call('order-api', 'POST', '/orders', valid, { 'Idempotency-Key': 'x'.repeat(129) });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
  });

  it.each(['limit=0', 'limit=101', 'limit=ten', 'status=LOST', 'cursor=garbage', 'customerId=a%2Fb'])(
    '400 for GET /orders?%s',
    async (query) => {
      const response = await call('order-api', 'GET', `/orders?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    },
  );
});

describe('products', () => {
  it('creates (201), replaces (200), reads and lists products', async () => {
    const sku = uniqueName('P');
    const created = await call('inventory-service', 'PUT', `/products/${sku}`, { name: 'Mug', price: 1250, stock: 10 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sku, name: 'Mug', price: 1250, currency: 'USD', available: 10, reserved: 0 });
    const replaced = await call('inventory-service', 'PUT', `/products/${sku}`, { name: 'Big mug', price: 1500, stock: 4 });
    expect(replaced.status).toBe(200);
    expect(await getProduct(sku)).toMatchObject({ name: 'Big mug', price: 1500, available: 4 });
    const page = await call('inventory-service', 'GET', '/products?limit=100');
    expect(page.status).toBe(200);
    expect(page.body).toHaveProperty('nextCursor');
  });

  it('adjusts stock but never below zero', async () => {
    const sku = uniqueName('P');
    await putProduct(sku, { price: 100, stock: 3 });
    const added = await call('inventory-service', 'POST', `/products/${sku}/stock-adjustments`, { delta: 5, reason: 'restock' });
    expect(added.status).toBe(200);
    expect(added.body.available).toBe(8);
    const tooMuch = await call('inventory-service', 'POST', `/products/${sku}/stock-adjustments`, { delta: -9, reason: 'breakage' });
    expect(tooMuch.status).toBe(409);
    expect((await getProduct(sku)).available).toBe(8);
  });

  it('answers 404 for an unknown SKU and 400 for bad input', async () => {
    expect((await call('inventory-service', 'GET', `/products/${uniqueName('NONE')}`)).status).toBe(404);
    expect(
      (await call('inventory-service', 'POST', `/products/${uniqueName('NONE')}/stock-adjustments`, { delta: 1, reason: 'x' })).status,
    ).toBe(404);
    const bad = await call('inventory-service', 'PUT', `/products/${uniqueName('P')}`, { name: '', price: -1, stock: 1.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'price', 'stock']);
  });
});
