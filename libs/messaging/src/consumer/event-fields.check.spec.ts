import { requireCustomerId, requireOrderId } from './event-fields.check';
import { PermanentEventError } from './permanent.error';

const ORDER = '0b8e0f57-5c1f-4d39-9a0e-2f1f7e2b6a11';

describe('event field checks', () => {
  it('pass well-formed ids through', () => {
    expect(requireOrderId(ORDER)).toBe(ORDER);
    expect(requireCustomerId('c-1', ORDER)).toBe('c-1');
  });

  it.each(['', 'o-1', 'a.b', `${ORDER}.x`, '$gt'])('fail permanently for the order id %p', (orderId) => {
    expect(() => requireOrderId(orderId)).toThrow(expect.objectContaining({ code: 'INVALID_ORDER_ID' }));
    expect(() => requireOrderId(orderId)).toThrow(PermanentEventError);
  });

  it.each(['', 'a/b', 'x'.repeat(65)])('fail permanently for the customer id %p', (customerId) => {
    expect(() => requireCustomerId(customerId, ORDER)).toThrow(expect.objectContaining({ code: 'INVALID_CUSTOMER_ID' }));
  });
});
