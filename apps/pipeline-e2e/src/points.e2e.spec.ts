import { uniqueName } from '@orderflow/testing';
import { call, orderReaches, placeOrder, putProduct, confirmedOrder, getPoints, movementsOf, pointsReach } from '@orderflow/stack';

const customer = () => uniqueName('c');

describe('loyalty points', () => {
  it('awards floor(total / 100) points for a confirmed order, as one AWARD entry', async () => {
    const who = customer();
    const [mug, tea] = [uniqueName('MUG'), uniqueName('TEA')];
    await putProduct(mug, { price: 1250, stock: 10 });
    await putProduct(tea, { price: 499, stock: 5 });
    const order = await orderReaches(
      (
        await placeOrder(who, [
          { sku: mug, quantity: 2 },
          { sku: tea, quantity: 3 },
        ])
      ).id,
    );
    expect(order).toMatchObject({ status: 'CONFIRMED', total: 3997 });

    const points = await pointsReach(who, (p) => p.entries.length > 0, 'the award');
    expect(points).toEqual({
      customerId: who,
      balance: 39,
      entries: [{ orderId: order.id, points: 39, type: 'AWARD', at: expect.any(String) }],
    });
    expect(Number.isNaN(Date.parse(points.entries[0].at))).toBe(false);
  });

  it('sums the awards of several orders into the balance', async () => {
    const who = customer();
    const orders = await Promise.all([confirmedOrder(who, 1000), confirmedOrder(who, 250, 3), confirmedOrder(who, 99)]);
    // 10 + 7 points; an order under one whole currency unit earns nothing and leaves no entry.
    const points = await pointsReach(who, (p) => p.entries.length >= 2, 'two awards');
    expect(points.balance).toBe(17);
    expect(movementsOf(points, orders[0].id)).toEqual([['AWARD', 10]]);
    expect(movementsOf(points, orders[1].id)).toEqual([['AWARD', 7]]);
    expect(movementsOf(points, orders[2].id)).toEqual([]);
  });

  it('awards nothing for a rejected order', async () => {
    const who = customer();
    const sku = uniqueName('SHORT');
    await putProduct(sku, { price: 5000, stock: 1 });
    const rejected = await orderReaches((await placeOrder(who, [{ sku, quantity: 2 }])).id);
    expect(rejected.status).toBe('REJECTED');

    // A later confirmed order of the same customer shows the service has caught up.
    const later = await confirmedOrder(who, 2000);
    const points = await pointsReach(who, (p) => movementsOf(p, later.id).length > 0, 'the later award');
    expect(points.balance).toBe(20);
    expect(movementsOf(points, rejected.id)).toEqual([]);
    expect(points.entries).toHaveLength(1);
  });

  it('reverses exactly the award when a confirmed order is cancelled, and only once when cancelled twice', async () => {
    const who = customer();
    const kept = await confirmedOrder(who, 500);
    const order = await confirmedOrder(who, 3997);
    await pointsReach(who, (p) => p.balance === 44, 'both awards');

    const cancels = await Promise.all([1, 2].map(() => call('order-api', 'POST', `/orders/${order.id}/cancel`)));
    for (const cancel of cancels) expect(cancel).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    const again = await call('order-api', 'POST', `/orders/${order.id}/cancel`);
    expect(again).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });

    const reversed = await pointsReach(who, (p) => movementsOf(p, order.id).length === 2, 'the reversal');
    expect(movementsOf(reversed, order.id)).toEqual([
      ['AWARD', 39],
      ['REVERSAL', -39],
    ]);
    expect(reversed.balance).toBe(5);

    // Once a later award of the same customer is in, nothing else for the cancelled order came with it.
    const sentinel = await confirmedOrder(who, 300);
    const points = await pointsReach(who, (p) => movementsOf(p, sentinel.id).length > 0, 'the later award');
    expect(movementsOf(points, order.id)).toEqual([
      ['AWARD', 39],
      ['REVERSAL', -39],
    ]);
    expect(movementsOf(points, kept.id)).toEqual([['AWARD', 5]]);
    expect(points.balance).toBe(8);
    expect(points.balance).toBe(points.entries.reduce((sum, entry) => sum + entry.points, 0));
  });

  it('answers balance 0 with no entries for a customer who never earned anything', async () => {
    const who = customer();
    const response = await call('points-service', 'GET', `/customers/${who}/points`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ customerId: who, balance: 0, entries: [] });
    expect(await getPoints('c:gold_1.x-y')).toMatchObject({ customerId: 'c:gold_1.x-y', balance: 0 });
  });

  it.each([
    ['a slash', 'a%2Fb'],
    ['a space', 'a%20b'],
    ['65 characters', 'x'.repeat(65)],
    ['a non-ASCII letter', '%C3%A9'],
  ])('answers 400 problem+json for a customerId with %s', async (_, customerId) => {
    const response = await call('points-service', 'GET', `/customers/${customerId}/points`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(response.body.errors).toEqual([{ field: 'customerId', message: expect.any(String) }]);
  });
});
