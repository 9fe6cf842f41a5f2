import { uniqueName } from '@orderflow/testing';
import { call, orderReaches, placeOrder, putProduct, countByKind, listNotifications, notificationsSent } from '@orderflow/stack';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const customer = () => uniqueName('c');

/** Places an order of `quantity` units of a fresh product at `price` and waits for its final status. */
async function orderOf(customerId: string, price: number, quantity: number, stock = quantity) {
  const sku = uniqueName('NTF');
  await putProduct(sku, { price, stock });
  return { sku, order: await orderReaches((await placeOrder(customerId, [{ sku, quantity }])).id) };
}

describe('notifications', () => {
  it('tells the customer once that the order is confirmed, with its id and total', async () => {
    const who = customer();
    const { order } = await orderOf(who, 1999, 2);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: 3998 });

    const items = await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED']);
    const confirmed = items.filter((n) => n.kind === 'ORDER_CONFIRMED');
    expect(confirmed).toEqual([
      {
        id: expect.stringMatching(UUID),
        orderId: order.id,
        customerId: who,
        kind: 'ORDER_CONFIRMED',
        channel: 'email',
        status: 'SENT',
        message: expect.stringContaining(order.id),
        at: expect.any(String),
        reason: null,
      },
    ]);
    expect(confirmed[0].message).toContain('$39.98');
    expect(Number.isNaN(Date.parse(confirmed[0].at))).toBe(false);
    expect(items.map((n) => n.kind)).not.toContain('ORDER_REJECTED');
  });

  it('tells the customer once about the points a confirmed order earned', async () => {
    const who = customer();
    const { order } = await orderOf(who, 1250, 3);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: 3750 });

    const items = await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED', 'POINTS_AWARDED']);
    expect(countByKind(items)).toEqual({ ORDER_CONFIRMED: 1, POINTS_AWARDED: 1 });
    const awarded = items.find((n) => n.kind === 'POINTS_AWARDED');
    expect(awarded).toMatchObject({ customerId: who, status: 'SENT', channel: 'email' });
    expect(awarded?.message).toContain('37 points');
    expect(awarded?.message).toContain(order.id);
  });

  it('tells the customer once that the order was rejected, and why', async () => {
    const who = customer();
    const { order, sku } = await orderOf(who, 500, 5, 1);
    expect(order.status).toBe('REJECTED');

    const items = await notificationsSent({ orderId: order.id }, ['ORDER_REJECTED']);
    expect(countByKind(items)).toEqual({ ORDER_REJECTED: 1 });
    expect(items[0]).toMatchObject({ orderId: order.id, customerId: who, status: 'SENT' });
    expect(items[0].message).toContain(order.id);
    expect(items[0].message).toContain('out of stock');
    expect(items[0].message).toContain(sku);
  });

  it('tells the customer that the order was cancelled', async () => {
    const who = customer();
    const { order } = await orderOf(who, 2500, 1);
    expect(order.status).toBe('CONFIRMED');
    const cancelled = await call('order-api', 'POST', `/orders/${order.id}/cancel`);
    expect(cancelled.status).toBe(200);

    const items = await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED', 'ORDER_CANCELLED']);
    const notice = items.filter((n) => n.kind === 'ORDER_CANCELLED');
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ customerId: who, status: 'SENT' });
    expect(notice[0].message).toContain(order.id);
    expect(notice[0].message).toContain('cancelled');
  });

  it('tells the customer when the points of a cancelled order are taken back', async () => {
    const who = customer();
    const { order } = await orderOf(who, 4200, 1);
    expect(order.status).toBe('CONFIRMED');
    await notificationsSent({ orderId: order.id }, ['POINTS_AWARDED']);
    expect((await call('order-api', 'POST', `/orders/${order.id}/cancel`)).status).toBe(200);

    const items = await notificationsSent({ orderId: order.id }, ['ORDER_CANCELLED', 'POINTS_REVERSED']);
    expect(countByKind(items)).toEqual({ ORDER_CONFIRMED: 1, POINTS_AWARDED: 1, ORDER_CANCELLED: 1, POINTS_REVERSED: 1 });
    const reversed = items.find((n) => n.kind === 'POINTS_REVERSED');
    expect(reversed?.message).toContain('42 points');
    expect(reversed?.message).toContain(order.id);
  });

  it('lists a customer’s notifications across orders, newest first, and only theirs', async () => {
    const who = customer();
    const { order: confirmed } = await orderOf(who, 300, 1);
    await notificationsSent({ orderId: confirmed.id }, ['ORDER_CONFIRMED']);
    const { order: rejected } = await orderOf(who, 300, 2, 1);
    await notificationsSent({ orderId: rejected.id }, ['ORDER_REJECTED']);
    await orderOf(customer(), 300, 1);

    const items = await notificationsSent({ customerId: who }, ['ORDER_CONFIRMED', 'ORDER_REJECTED']);
    expect(items.every((n) => n.customerId === who)).toBe(true);
    expect(new Set(items.map((n) => n.orderId))).toEqual(new Set([confirmed.id, rejected.id]));
    const kinds = items.filter((n) => n.kind.startsWith('ORDER_')).map((n) => n.kind);
    expect(kinds).toEqual(['ORDER_REJECTED', 'ORDER_CONFIRMED']);

    const both = await listNotifications({ customerId: who, orderId: confirmed.id });
    expect(both.every((n) => n.orderId === confirmed.id && n.customerId === who)).toBe(true);
    expect(both.map((n) => n.kind)).toContain('ORDER_CONFIRMED');
    expect(await listNotifications({ customerId: customer(), orderId: confirmed.id })).toEqual([]);
    expect(await listNotifications({ orderId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
  });

  it.each([
    ['orderId=not-a-uuid', ['orderId']],
    ['customerId=' + encodeURIComponent('no spaces allowed'), ['customerId']],
    ['customerId=' + 'x'.repeat(65), ['customerId']],
    ['orderId=42&customerId=' + encodeURIComponent('a/b'), ['orderId', 'customerId']],
    ['limit=0', ['limit']],
    ['status=SENT', ['status']],
  ])('answers 400 problem+json naming the bad parameter for ?%s', async (query, fields) => {
    const response = await call('notification-service', 'GET', `/notifications?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect([...new Set(response.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([...fields].sort());
  });
});
