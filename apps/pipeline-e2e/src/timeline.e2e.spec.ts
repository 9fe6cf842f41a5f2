import { uniqueName } from '@orderflow/testing';
import { call, orderReaches, placeOrder, putProduct, notificationsSent, pointsReach } from '@orderflow/stack';
import { countByType, getTimeline, timelineIncludes } from './support/timeline';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who publishes each event of an order's life. */
const SOURCES: Record<string, string> = {
  OrderCreated: 'order-api',
  InventoryReserved: 'inventory-service',
  OrderConfirmed: 'order-api',
  PointsAwarded: 'points-service',
  OrderCancelled: 'order-api',
  InventoryReleased: 'inventory-service',
  PointsReversed: 'points-service',
};
const LIFE = Object.keys(SOURCES);

describe('GET /orders/{id}/timeline', () => {
  it('lists every event of a confirmed-then-cancelled order once, with its source, oldest first', async () => {
    const who = uniqueName('c');
    const sku = uniqueName('TML');
    await putProduct(sku, { price: 1250, stock: 5 });
    const order = await orderReaches((await placeOrder(who, [{ sku, quantity: 2 }])).id);
    expect(order.status).toBe('CONFIRMED');
    // The award comes first, so the cancel is causally after every event of the confirmation.
    await pointsReach(who, (p) => p.balance === 25, 'the award');
    expect((await call('order-api', 'POST', `/orders/${order.id}/cancel`)).status).toBe(200);
    await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED', 'POINTS_AWARDED', 'ORDER_CANCELLED', 'POINTS_REVERSED']);

    // NotificationSent entries (if the notifier emits them) follow each notification.
    const timeline = await timelineIncludes(order.id, LIFE);
    const response = await call('order-api', 'GET', `/orders/${order.id}/timeline`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');

    for (const entry of timeline) {
      expect(entry).toEqual({
        type: expect.any(String),
        eventId: expect.stringMatching(UUID),
        source: expect.any(String),
        at: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
    }
    const life = timeline.filter((entry) => LIFE.includes(entry.type));
    expect(life.map((entry) => [entry.type, entry.source]).sort()).toEqual(LIFE.map((type) => [type, SOURCES[type]]).sort());
    // Each step follows the one that caused it; the release and the reversal both answer
    // the cancel, independently, so they may come in either order.
    expect(life.slice(0, 5).map((entry) => entry.type)).toEqual(LIFE.slice(0, 5));
    expect(
      life
        .slice(5)
        .map((entry) => entry.type)
        .sort(),
    ).toEqual(['InventoryReleased', 'PointsReversed']);
    const others = timeline.filter((entry) => !LIFE.includes(entry.type));
    for (const entry of others) expect(entry).toMatchObject({ type: 'NotificationSent', source: 'notification-service' });
    expect(others.length).toBeLessThanOrEqual(4);

    const times = timeline.map((entry) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(timeline.map((entry) => entry.eventId)).size).toBe(timeline.length);
  });

  it('lists the events of a rejected order, and nothing of a confirmation', async () => {
    const sku = uniqueName('TML');
    await putProduct(sku, { price: 500, stock: 1 });
    const order = await orderReaches((await placeOrder(uniqueName('c'), [{ sku, quantity: 3 }])).id);
    expect(order.status).toBe('REJECTED');
    await notificationsSent({ orderId: order.id }, ['ORDER_REJECTED']);

    const timeline = await timelineIncludes(order.id, ['OrderCreated', 'InventoryRejected', 'OrderRejected']);
    const counts = countByType(timeline);
    expect(counts).toMatchObject({ OrderCreated: 1, InventoryRejected: 1, OrderRejected: 1 });
    expect(Object.keys(counts).sort()).toEqual(
      ['InventoryRejected', 'OrderCreated', 'OrderRejected', ...(counts['NotificationSent'] ? ['NotificationSent'] : [])].sort(),
    );
    expect(timeline.find((e) => e.type === 'InventoryRejected')?.source).toBe('inventory-service');
  });

  it('starts with OrderCreated as soon as the order is published', async () => {
    const order = await placeOrder(uniqueName('c'), [{ sku: uniqueName('GHOST'), quantity: 1 }]);
    const timeline = await timelineIncludes(order.id, ['OrderCreated']);
    expect(timeline[0]).toMatchObject({ type: 'OrderCreated', source: 'order-api' });
  });

  it('answers 404 problem+json for an unknown order and 400 for an id that is not a UUID', async () => {
    const unknown = await call('order-api', 'GET', '/orders/00000000-0000-4000-8000-000000000000/timeline');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ status: 404, title: 'Not Found' });

    const bad = await call('order-api', 'GET', '/orders/not-a-uuid/timeline');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ status: 400 });
  });

  it('is an empty list for an order only just accepted, never a 404', async () => {
    const order = await placeOrder(uniqueName('c'), [{ sku: uniqueName('GHOST'), quantity: 1 }]);
    const timeline = await getTimeline(order.id);
    expect(Array.isArray(timeline)).toBe(true);
    // An idle deployment may have rejected the order already; whatever is there starts with its creation.
    expect(timeline.slice(0, 1).map((entry) => entry.type)).toEqual(timeline.length > 0 ? ['OrderCreated'] : []);
  });
});
