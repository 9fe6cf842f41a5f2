import { uniqueName } from '@orderflow/testing';
import {
  call,
  getProduct,
  orderReaches,
  placeOrder,
  putProduct,
  killService,
  startServiceAgain,
  countByKind,
  listNotifications,
  notificationsSent,
  type NotificationKind,
  getPoints,
  movementsOf,
  pointsReach,
  type CustomerPoints,
} from '@orderflow/stack';
import { withOwnServices } from './support/own-services';
import { countByType, getTimeline, timelineIncludes } from './support/timeline';

const customer = () => uniqueName('c');
const cancel = (id: string) => call('order-api', 'POST', `/orders/${id}/cancel`);
const statuses = (order: { history: { status: string }[] }) => order.history.map((h) => h.status);

/** A fresh product with `stock` units at `price`. */
async function product(price: number, stock: number): Promise<string> {
  const sku = uniqueName('CNL');
  await putProduct(sku, { price, stock });
  return sku;
}

/**
 * Waits until every service has answered the cancel of `orderId` and checks that the
 * order then holds nothing: the stock it took is back, its points are reversed (or were
 * never awarded) and the customer was told once of each thing that happened.
 */
async function expectReleased(orderId: string, who: string, sku: string, stock: number) {
  const order = await orderReaches(orderId, ['CANCELLED']);
  const confirmed = statuses(order).includes('CONFIRMED');
  const earned = confirmed ? Math.floor(order.total / 100) : 0;
  // Published releases and reversals are the signal that inventory and points are done with
  // the cancel; both handle it after everything earlier of this order (same key, in order).
  const timeline = await timelineIncludes(orderId, ['OrderCancelled', 'InventoryReleased', ...(earned > 0 ? ['PointsReversed'] : [])]);
  const counts = countByType(timeline);
  expect(counts).toMatchObject({ OrderCreated: 1, OrderCancelled: 1, InventoryReleased: 1 });
  expect(counts['OrderConfirmed'] ?? 0).toBe(confirmed ? 1 : 0);
  expect(counts['PointsAwarded'] ?? 0).toBe(earned > 0 ? 1 : 0);
  expect(counts['PointsReversed'] ?? 0).toBe(earned > 0 ? 1 : 0);

  expect(await getProduct(sku)).toMatchObject({ available: stock, reserved: 0 });

  const points = await getPoints(who);
  expect(points.balance).toBe(0);
  expect(movementsOf(points, orderId)).toEqual(
    earned > 0
      ? [
          ['AWARD', earned],
          ['REVERSAL', -earned],
        ]
      : [],
  );

  const kinds: NotificationKind[] = confirmed ? ['ORDER_CONFIRMED', 'ORDER_CANCELLED'] : ['ORDER_CANCELLED'];
  if (earned > 0) kinds.push('POINTS_AWARDED', 'POINTS_REVERSED');
  const notifications = await notificationsSent({ orderId }, kinds);
  expect(countByKind(notifications)).toEqual(Object.fromEntries(kinds.map((kind) => [kind, 1])));
}

describe('cancelling an order', () => {
  it('right after placing it releases whatever the order came to hold', async () => {
    const who = customer();
    const sku = await product(1500, 4);
    const placed = await placeOrder(who, [{ sku, quantity: 3 }]);
    const cancelled = await cancel(placed.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: placed.id, status: 'CANCELLED' });

    // Usually the cancel beats the reservation; if inventory was quicker it was a confirmed order.
    const confirmed = statuses(cancelled.body).includes('CONFIRMED');
    expect(statuses(cancelled.body)).toEqual(confirmed ? ['PENDING', 'CONFIRMED', 'CANCELLED'] : ['PENDING', 'CANCELLED']);
    // Inventory answers the OrderCreated before the OrderCancelled: its late reservation is in
    // the timeline, was not applied, and what it took went back.
    await timelineIncludes(placed.id, ['InventoryReserved', 'InventoryReleased']);
    expect(statuses(await orderReaches(placed.id, ['CANCELLED']))).toEqual(statuses(cancelled.body));
    await expectReleased(placed.id, who, sku, 4);
  });

  it('after it was confirmed gives back the stock and the points, and tells the customer once of each', async () => {
    const who = customer();
    const sku = await product(2550, 10);
    const order = await orderReaches((await placeOrder(who, [{ sku, quantity: 4 }])).id);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: 10200 });
    expect(await getProduct(sku)).toMatchObject({ available: 6, reserved: 4 });

    const cancelled = await cancel(order.id);
    expect(cancelled).toMatchObject({ status: 200, body: { id: order.id, status: 'CANCELLED', total: 10200 } });
    expect(statuses(cancelled.body)).toEqual(['PENDING', 'CONFIRMED', 'CANCELLED']);

    await expectReleased(order.id, who, sku, 10);
    expect(movementsOf(await getPoints(who), order.id)).toEqual([
      ['AWARD', 102],
      ['REVERSAL', -102],
    ]);
  });

  it('a second time answers 200 with the order unchanged', async () => {
    const who = customer();
    const sku = await product(300, 2);
    const order = await orderReaches((await placeOrder(who, [{ sku, quantity: 2 }])).id);
    expect(order.status).toBe('CONFIRMED');
    const first = await cancel(order.id);
    expect(first.status).toBe(200);

    const second = await cancel(order.id);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    await expectReleased(order.id, who, sku, 2);
    expect((await cancel(order.id)).body).toEqual(first.body);
  });

  it('twice at the same moment cancels it once', async () => {
    const who = customer();
    const sku = await product(999, 3);
    const order = await orderReaches((await placeOrder(who, [{ sku, quantity: 3 }])).id);
    expect(order.status).toBe('CONFIRMED');
    await pointsReach(who, (p) => p.balance === 29, 'the award');

    const answers = await Promise.all([cancel(order.id), cancel(order.id)]);
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    expect(answers[0].body).toEqual(answers[1].body);
    expect(statuses(answers[0].body)).toEqual(['PENDING', 'CONFIRMED', 'CANCELLED']);

    await expectReleased(order.id, who, sku, 3);
    expect(movementsOf(await getPoints(who), order.id)).toEqual([
      ['AWARD', 29],
      ['REVERSAL', -29],
    ]);
  });

  it('at every stage, for many orders at once, leaves every unit and point where it was', async () => {
    const sku = await product(700, 30);
    const customers = Array.from({ length: 5 }, customer);
    const placed = await Promise.all(Array.from({ length: 15 }, (_, i) => placeOrder(customers[i % 5], [{ sku, quantity: 2 }])));
    // Cancels land at every stage: before the order is published, while inventory is on it, after the confirmation.
    const answers = await Promise.all(
      placed.map(async (order, i) => {
        if (i % 3 === 1) await timelineIncludes(order.id, ['OrderCreated']);
        if (i % 3 === 2) await orderReaches(order.id, ['CONFIRMED', 'REJECTED']);
        return cancel(order.id);
      }),
    );
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });

    for (const answer of answers) {
      const confirmed = statuses(answer.body).includes('CONFIRMED');
      await timelineIncludes(answer.body.id, ['InventoryReleased', ...(confirmed ? ['PointsReversed'] : [])]);
    }
    expect(await getProduct(sku)).toMatchObject({ available: 30, reserved: 0 });
    const ledgers = new Map(await Promise.all(customers.map(async (who) => [who, await getPoints(who)] as const)));
    for (const answer of answers) {
      const { id, customerId } = answer.body;
      const movements = statuses(answer.body).includes('CONFIRMED')
        ? [
            ['AWARD', 14],
            ['REVERSAL', -14],
          ]
        : [];
      expect({ id, movements: movementsOf(ledgers.get(customerId) as CustomerPoints, id) }).toEqual({ id, movements });
    }
    for (const [who, points] of ledgers) expect({ who, balance: points.balance }).toEqual({ who, balance: 0 });
  });

  it('of a REJECTED order answers 409 and changes nothing', async () => {
    const who = customer();
    const sku = await product(500, 1);
    const order = await orderReaches((await placeOrder(who, [{ sku, quantity: 2 }])).id);
    expect(order.status).toBe('REJECTED');

    const response = await cancel(order.id);
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 409, title: 'Conflict' });
    expect(response.body.detail).toContain('REJECTED');

    const after = await orderReaches(order.id, ['REJECTED']);
    expect(after).toEqual(order);
    await notificationsSent({ orderId: order.id }, ['ORDER_REJECTED']);
    expect(countByKind(await listNotifications({ orderId: order.id }))).toEqual({ ORDER_REJECTED: 1 });
    expect(countByType(await getTimeline(order.id))['OrderCancelled']).toBeUndefined();
    expect(await getProduct(sku)).toMatchObject({ available: 1, reserved: 0 });
  });

  it('of an unknown order answers 404, and 400 for an id that is not a UUID', async () => {
    const unknown = await cancel('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await cancel('not-a-uuid')).status).toBe(400);
  });
});

const localOnly = withOwnServices('it stops inventory-service while the order is cancelled, then starts it again');

localOnly('a reservation that arrives after the cancel', () => {
  /** Runs `work` while inventory-service is stopped, and starts it again whatever happens. */
  async function withInventoryStopped<T>(work: () => Promise<T>): Promise<T> {
    await killService('inventory-service', 'SIGTERM');
    try {
      return await work();
    } finally {
      await startServiceAgain('inventory-service');
    }
  }

  it('is released, never kept', async () => {
    const who = customer();
    const sku = await product(4000, 5);
    const placed = await withInventoryStopped(async () => {
      const order = await placeOrder(who, [{ sku, quantity: 5 }]);
      const cancelled = await cancel(order.id);
      expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
      expect(statuses(cancelled.body)).toEqual(['PENDING', 'CANCELLED']);
      return order;
    });

    const timeline = await timelineIncludes(placed.id, ['InventoryReserved', 'InventoryReleased']);
    expect(timeline.map((e) => e.type).filter((type) => type.startsWith('Inventory'))).toEqual(['InventoryReserved', 'InventoryReleased']);
    expect(await orderReaches(placed.id, ['CANCELLED'])).toMatchObject({ total: null });
    await expectReleased(placed.id, who, sku, 5);
  });
});
