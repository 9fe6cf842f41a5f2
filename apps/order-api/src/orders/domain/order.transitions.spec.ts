import { newOrder, type Order } from './order';
import { transition, type OrderInput } from './order.transitions';

const created = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T00:00:01Z');
const pending = (): Order =>
  newOrder({
    id: '0b8f6a2e-8d6c-4a57-9a3e-2f0c0d5e7b11',
    customerId: 'c-1',
    lines: [
      { sku: 'MUG', quantity: 2 },
      { sku: 'TEA', quantity: 1 },
    ],
    currency: 'USD',
    at: created,
  });
const reserved: OrderInput = {
  kind: 'reserved',
  lines: [
    { sku: 'TEA', quantity: 1, unitPrice: 499 },
    { sku: 'MUG', quantity: 2, unitPrice: 1250 },
  ],
  total: 2999,
};
const rejected: OrderInput = { kind: 'rejected', rejection: { reason: 'OUT_OF_STOCK', skus: ['MUG'] } };

function after(order: Order, ...inputs: OrderInput[]): Order {
  return inputs.reduce((current, input) => {
    const result = transition(current, input, later);
    if (result.outcome !== 'applied') throw new Error(`expected ${input.kind} to apply`);
    return result.order;
  }, order);
}

describe('order transitions', () => {
  it('confirms a pending order with the reserved prices and total, in order of the lines', () => {
    const order = after(pending(), reserved);
    expect(order.status).toBe('CONFIRMED');
    expect(order.items).toEqual([
      { sku: 'MUG', quantity: 2, unitPrice: 1250 },
      { sku: 'TEA', quantity: 1, unitPrice: 499 },
    ]);
    expect(order.total).toBe(2999);
    expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(order.updatedAt).toEqual(later);
  });

  it('rejects a pending order with the reason and SKUs, leaving it unpriced', () => {
    const order = after(pending(), rejected);
    expect(order).toMatchObject({ status: 'REJECTED', rejection: { reason: 'OUT_OF_STOCK', skus: ['MUG'] }, total: null });
  });

  it('cancels pending and confirmed orders', () => {
    expect(after(pending(), { kind: 'cancel' }).status).toBe('CANCELLED');
    const order = after(pending(), reserved, { kind: 'cancel' });
    expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'CANCELLED']);
  });

  it.each<[string, OrderInput[], OrderInput]>([
    ['a second reservation', [reserved], reserved],
    ['a rejection after confirmation', [reserved], rejected],
    ['a reservation after rejection', [rejected], reserved],
    ['a reservation after cancel', [{ kind: 'cancel' }], reserved],
    ['a rejection after cancel', [{ kind: 'cancel' }], rejected],
    ['a cancel of a rejected order', [rejected], { kind: 'cancel' }],
    ['a reservation after a timeout (it came late)', [{ kind: 'timeout' }], reserved],
    ['a rejection after a timeout', [{ kind: 'timeout' }], rejected],
    ['a cancel after a timeout', [{ kind: 'timeout' }], { kind: 'cancel' }],
  ])('ignores %s', (_, before, input) => {
    expect(transition(after(pending(), ...before), input, later).outcome).toBe('ignored');
  });

  it('ignores a reservation whose lines are not the order lines', () => {
    const wrong: OrderInput = { kind: 'reserved', lines: [{ sku: 'MUG', quantity: 3, unitPrice: 1 }], total: 3 };
    expect(transition(pending(), wrong, later)).toEqual({ outcome: 'ignored', reason: 'reservation does not match the order lines' });
  });

  it('rejects an overdue pending order with reason TIMEOUT, unpriced', () => {
    const order = after(pending(), { kind: 'timeout' });
    expect(order).toMatchObject({ status: 'REJECTED', rejection: { reason: 'TIMEOUT', skus: [] }, total: null });
    expect(order.history.map((h) => h.status)).toEqual(['PENDING', 'REJECTED']);
  });

  it.each<[string, OrderInput[]]>([
    ['confirmed', [reserved]],
    ['rejected', [rejected]],
    ['cancelled', [{ kind: 'cancel' }]],
    ['timed out already', [{ kind: 'timeout' }]],
  ])('leaves an order that is %s unchanged by a timeout (an answer came meanwhile)', (_, before) => {
    expect(transition(after(pending(), ...before), { kind: 'timeout' }, later)).toEqual({ outcome: 'unchanged' });
  });

  it('leaves a cancelled order unchanged when cancelled again', () => {
    expect(transition(after(pending(), { kind: 'cancel' }), { kind: 'cancel' }, later)).toEqual({ outcome: 'unchanged' });
  });
});
