import { isCustomerId, isOrderId, isSku } from './ids.format';

describe('id formats', () => {
  it('take customer ids of 1-64 letters, digits, _ . : and -', () => {
    expect(isCustomerId('c-1:gold_2.x')).toBe(true);
    expect(isCustomerId('x'.repeat(64))).toBe(true);
    expect(isCustomerId('x'.repeat(65))).toBe(false);
    expect(isCustomerId('')).toBe(false);
    expect(isCustomerId('a/b')).toBe(false);
    expect(isCustomerId('a b')).toBe(false);
  });

  it('take SKUs of 1-64 letters, digits, _ . and -, but no colon', () => {
    expect(isSku('SKU-1_a.b')).toBe(true);
    expect(isSku('x'.repeat(65))).toBe(false);
    expect(isSku('a:b')).toBe(false);
    expect(isSku('')).toBe(false);
  });

  it('take order ids only as UUIDs, so they are safe as field names', () => {
    expect(isOrderId('0b8e0f57-5c1f-4d39-9a0e-2f1f7e2b6a11')).toBe(true);
    expect(isOrderId('0B8E0F57-5C1F-4D39-9A0E-2F1F7E2B6A11')).toBe(true);
    expect(isOrderId('not-a-uuid')).toBe(false);
    expect(isOrderId('0b8e0f57.5c1f-4d39-9a0e-2f1f7e2b6a11')).toBe(false);
    expect(isOrderId('$where')).toBe(false);
    expect(isOrderId('')).toBe(false);
    expect(isOrderId('0b8e0f57-5c1f-4d39-9a0e-2f1f7e2b6a1')).toBe(false);
  });
});
