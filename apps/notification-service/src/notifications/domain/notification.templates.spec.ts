import { renderNotification } from './notification.templates';

const ORDER = '0b8f5a52-2c55-4f0e-9a53-7d6c9b1e4a10';

describe('notification templates', () => {
  it('confirms an order with its id and total', () => {
    expect(renderNotification({ kind: 'ORDER_CONFIRMED', orderId: ORDER, total: 3997n, currency: 'USD' })).toBe(
      `Your order ${ORDER} is confirmed. Total: $39.97.`,
    );
  });

  it('explains a rejection by its reason and SKUs', () => {
    expect(renderNotification({ kind: 'ORDER_REJECTED', orderId: ORDER, reason: 'OUT_OF_STOCK', skus: ['MUG', 'TEA'] })).toBe(
      `Sorry, we could not accept your order ${ORDER}: some items are out of stock (MUG, TEA). You have not been charged.`,
    );
    expect(renderNotification({ kind: 'ORDER_REJECTED', orderId: ORDER, reason: 'UNKNOWN_SKU', skus: ['X'] })).toContain(
      'some items are not in our catalogue (X)',
    );
    expect(renderNotification({ kind: 'ORDER_REJECTED', orderId: ORDER, reason: 'UNSPECIFIED', skus: [] })).toContain(
      `order ${ORDER}: it could not be fulfilled.`,
    );
    expect(renderNotification({ kind: 'ORDER_REJECTED', orderId: ORDER, reason: 'TIMEOUT', skus: [] })).toContain(
      `order ${ORDER}: we could not confirm it in time.`,
    );
  });

  it('cancels an order with its total when it was priced, and without when it was not', () => {
    expect(renderNotification({ kind: 'ORDER_CANCELLED', orderId: ORDER, total: 2500n, currency: 'USD' })).toBe(
      `Your order ${ORDER} ($25.00) has been cancelled.`,
    );
    expect(renderNotification({ kind: 'ORDER_CANCELLED', orderId: ORDER, total: null, currency: 'USD' })).toBe(
      `Your order ${ORDER} has been cancelled.`,
    );
  });

  it('announces awarded points with the order and its total', () => {
    expect(renderNotification({ kind: 'POINTS_AWARDED', orderId: ORDER, points: 39n, orderTotal: 3997n, currency: 'USD' })).toBe(
      `You earned 39 points for your order ${ORDER} ($39.97).`,
    );
    expect(renderNotification({ kind: 'POINTS_AWARDED', orderId: ORDER, points: 1n, orderTotal: 150n, currency: 'USD' })).toContain(
      'You earned 1 point for',
    );
  });

  it('announces reversed points with the order', () => {
    expect(renderNotification({ kind: 'POINTS_REVERSED', orderId: ORDER, points: 25n })).toBe(
      `The 25 points earned with order ${ORDER} were taken back because the order was cancelled.`,
    );
  });
});
