import { type PipelineState, type PlacedOrder } from '@orderflow/stack';
import { tally } from './chaos.tally';

const order = (
  id: string,
  status: string,
  sku: string,
  quantity: number,
  total: number | null,
  history = ['PENDING', status],
): PlacedOrder => ({
  id,
  customerId: 'c-1',
  status,
  items: [{ sku, quantity, unitPrice: 500 }],
  total,
  history: history.map((s) => ({ status: s, at: '2026-01-01T00:00:00Z' })),
});

function sound(): PipelineState {
  return {
    accepted: 2,
    orders: [order('o-1', 'CONFIRMED', 'A', 2, 1000), order('o-2', 'REJECTED', 'A', 9, null)],
    products: [{ sku: 'A', stock: 5, available: 3, reserved: 2 }],
    ledgers: [{ customerId: 'c-1', balance: 10, entries: [{ orderId: 'o-1', points: 10, type: 'AWARD', at: '' }] }],
    notifications: [
      { orderId: 'o-1', kind: 'ORDER_CONFIRMED', status: 'SENT' },
      { orderId: 'o-1', kind: 'POINTS_AWARDED', status: 'SENT' },
      { orderId: 'o-2', kind: 'ORDER_REJECTED', status: 'SENT' },
    ],
  };
}

const counts = (state: PipelineState, acceptedIds = ['o-1', 'o-2'], unexpectedDeadLetters = 0) =>
  tally({ placed: 3, acceptedIds, state, unexpectedDeadLetters });

describe('the tally of a run under faults', () => {
  it('counts nothing lost, doubled or oversold when the end state is exactly what the orders say', () => {
    expect(counts(sound())).toEqual({ placed: 3, accepted: 2, final: 2, lost: 0, doubled: 0, oversold: 0 });
  });

  it('counts an accepted order that is missing or still pending as lost, and a parked event too', () => {
    const state = sound();
    state.orders[1] = { ...state.orders[1], status: 'PENDING' };
    state.notifications.pop();
    expect(counts(state, ['o-1', 'o-2', 'o-3'], 1)).toMatchObject({ accepted: 3, final: 1, lost: 2 + 1 });
  });

  it('counts a second award, a second notification and a reservation nobody holds as doubled', () => {
    const state = sound();
    state.ledgers[0].entries.push({ orderId: 'o-1', points: 10, type: 'AWARD', at: '' });
    state.notifications.push({ orderId: 'o-2', kind: 'ORDER_REJECTED', status: 'SENT' });
    state.products[0] = { sku: 'A', stock: 5, available: 2, reserved: 3 };
    expect(counts(state)).toMatchObject({ lost: 0, doubled: 3, oversold: 0 });
  });

  it('counts units reserved beyond stock as oversold', () => {
    const state = sound();
    state.orders.push(order('o-3', 'CONFIRMED', 'A', 4, 2000));
    state.products[0] = { sku: 'A', stock: 5, available: -1, reserved: 6 };
    expect(counts(state, ['o-1', 'o-2', 'o-3']).oversold).toBe(2);
  });
});
