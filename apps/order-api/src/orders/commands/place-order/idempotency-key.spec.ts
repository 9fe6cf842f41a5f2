import { IDEMPOTENCY_KEY, orderIdForKey, requestFingerprint } from './idempotency-key';

describe('idempotency keys', () => {
  it('name one stable UUID per key', () => {
    expect(orderIdForKey('alice', 'key-1')).toBe(orderIdForKey('alice', 'key-1'));
    expect(orderIdForKey('alice', 'key-1')).not.toBe(orderIdForKey('alice', 'key-2'));
    expect(orderIdForKey('alice', 'key-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keep naming the orders already stored', () => {
    expect(orderIdForKey('alice', 'key-1')).toBe('08104041-0b62-530b-95ea-c9bf734aaa95');
    expect(orderIdForKey('é', 'k')).toBe('d451b9a1-ce02-5de9-8cfe-5595b7c97bca');
  });

  it('are scoped to the caller', () => {
    expect(orderIdForKey('alice', 'key-1')).not.toBe(orderIdForKey('bob', 'key-1'));
    expect(orderIdForKey('ab', 'c')).not.toBe(orderIdForKey('a', 'bc'));
  });

  it('accept 1-128 visible ASCII characters only', () => {
    expect(IDEMPOTENCY_KEY.test('a'.repeat(128))).toBe(true);
    expect(IDEMPOTENCY_KEY.test('a'.repeat(129))).toBe(false);
    expect(IDEMPOTENCY_KEY.test('with space')).toBe(false);
    expect(IDEMPOTENCY_KEY.test('')).toBe(false);
    expect(IDEMPOTENCY_KEY.test('é')).toBe(false);
  });

  it('fingerprint the order, not its formatting', () => {
    const order = { customerId: 'c-1', items: [{ sku: 'A', quantity: 1 }] };
    expect(requestFingerprint(order)).toBe(requestFingerprint(JSON.parse(JSON.stringify(order))));
    expect(requestFingerprint(order)).not.toBe(requestFingerprint({ ...order, items: [{ sku: 'A', quantity: 2 }] }));
  });
});
