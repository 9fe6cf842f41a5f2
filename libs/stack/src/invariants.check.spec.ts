import type { PlacedOrder } from './convergence';
import { checkInvariants, type PipelineState } from './invariants.check';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const order = (
  id: string,
  status: string,
  lines: [string, number][],
  total: number | null,
  history = ['PENDING', status],
): PlacedOrder => ({
  id,
  customerId: 'c-1',
  status,
  items: lines.map(([sku, quantity]) => ({ sku, quantity, unitPrice: 100 })),
  total,
  history: history.map((s, i) => ({ status: s, at: at(i) })),
});

/** Two SKUs; one order confirmed, one rejected, one cancelled after confirmation, one cancelled while pending. */
function consistent(): PipelineState {
  return {
    accepted: 4,
    orders: [
      order(
        'o-1',
        'CONFIRMED',
        [
          ['A', 2],
          ['B', 1],
        ],
        1250,
      ),
      order('o-2', 'REJECTED', [['B', 5]], null),
      order('o-3', 'CANCELLED', [['A', 1]], 300, ['PENDING', 'CONFIRMED', 'CANCELLED']),
      order('o-4', 'CANCELLED', [['A', 1]], null, ['PENDING', 'CANCELLED']),
    ],
    products: [
      { sku: 'A', stock: 10, available: 8, reserved: 2 },
      { sku: 'B', stock: 3, available: 2, reserved: 1 },
    ],
    ledgers: [
      {
        customerId: 'c-1',
        balance: 12,
        entries: [
          { orderId: 'o-1', points: 12, type: 'AWARD', at: at(1) },
          { orderId: 'o-3', points: 3, type: 'AWARD', at: at(2) },
          { orderId: 'o-3', points: -3, type: 'REVERSAL', at: at(3) },
        ],
      },
    ],
    notifications: [
      ...['ORDER_CONFIRMED', 'POINTS_AWARDED'].map((kind) => ({ orderId: 'o-1', kind, status: 'SENT' })),
      { orderId: 'o-2', kind: 'ORDER_REJECTED', status: 'SENT' },
      ...['ORDER_CONFIRMED', 'POINTS_AWARDED', 'ORDER_CANCELLED', 'POINTS_REVERSED'].map((kind) => ({
        orderId: 'o-3',
        kind,
        status: 'SENT',
      })),
      { orderId: 'o-4', kind: 'ORDER_CANCELLED', status: 'SENT' },
    ],
  };
}

const violations = (state: PipelineState) => checkInvariants(state).checks.flatMap((c) => c.violations);

describe('checkInvariants', () => {
  it('passes a consistent end state', () => {
    expect(checkInvariants(consistent())).toMatchObject({ ok: true });
  });

  it('catches an oversold product', () => {
    const state = consistent();
    state.products[1] = { sku: 'B', stock: 3, available: -1, reserved: 4 };
    expect(violations(state)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^oversell: B/), expect.stringMatching(/B reserves 4/)]),
    );
  });

  it('catches stock that leaked: a cancelled order still holding its reservation', () => {
    const state = consistent();
    state.products[0] = { sku: 'A', stock: 10, available: 7, reserved: 3 };
    expect(violations(state)).toEqual(['A reserves 3, its confirmed orders hold 2']);
  });

  it('catches stock that vanished', () => {
    const state = consistent();
    state.products[0] = { sku: 'A', stock: 10, available: 7, reserved: 2 };
    expect(violations(state)).toEqual([expect.stringMatching(/not conserved: A/)]);
  });

  it('catches an order still pending and an order lost', () => {
    const state = consistent();
    state.orders[0] = order(
      'o-1',
      'PENDING',
      [
        ['A', 2],
        ['B', 1],
      ],
      null,
      ['PENDING'],
    );
    state.accepted = 5;
    const found = violations(state);
    expect(found).toEqual(
      expect.arrayContaining(['order-api lists 4 orders, 5 were accepted', expect.stringMatching(/1 orders are not final/)]),
    );
  });

  it('catches points awarded twice and a reversal that never came', () => {
    const state = consistent();
    state.ledgers[0].entries.push({ orderId: 'o-1', points: 12, type: 'AWARD', at: at(4) });
    state.ledgers[0].entries = state.ledgers[0].entries.filter((e) => e.type !== 'REVERSAL');
    state.ledgers[0].balance = 27;
    expect(violations(state)).toEqual([
      'c-1 has 27 points, their confirmed orders earned 12',
      'order o-1 (CONFIRMED) has points [AWARD 12, AWARD 12], expected [AWARD 12]',
      'order o-3 (CANCELLED) has points [AWARD 3], expected [AWARD 3, REVERSAL -3]',
    ]);
  });

  it("takes the balance alone for orders a cut list of a customer's newest 100 entries leaves out", () => {
    const state = consistent();
    const older = Array.from({ length: 100 }, (_, i) => order(`old-${i}`, 'CONFIRMED', [['A', 1]], 100));
    state.orders.push(...older);
    state.products[0] = { sku: 'A', stock: 110, available: 8, reserved: 102 };
    state.accepted += older.length;
    state.ledgers[0].balance = 12 + older.length;
    state.ledgers[0].entries.push(...older.slice(3).map((o) => ({ orderId: o.id, points: 1, type: 'AWARD' as const, at: at(5) })));
    state.notifications.push(
      ...older.flatMap((o) => ['ORDER_CONFIRMED', 'POINTS_AWARDED'].map((kind) => ({ orderId: o.id, kind, status: 'SENT' }))),
    );
    expect(state.ledgers[0].entries.length).toBe(100);
    expect(violations(state)).toEqual([]);

    state.ledgers[0].balance += 1;
    expect(violations(state)).toEqual(['c-1 has 113 points, their confirmed orders earned 112']);
  });

  it('catches a duplicate, a missing and an unexpected notification', () => {
    const state = consistent();
    state.notifications.push({ orderId: 'o-1', kind: 'ORDER_CONFIRMED', status: 'SENT' });
    state.notifications = state.notifications.filter((n) => !(n.orderId === 'o-2'));
    state.notifications.push({ orderId: 'o-4', kind: 'POINTS_REVERSED', status: 'SENT' });
    expect(violations(state)).toEqual([
      'order o-1 (CONFIRMED) was notified ORDER_CONFIRMED 2 times',
      'order o-2 (REJECTED) was notified ORDER_REJECTED 0 times',
      'unexpected notification: o-4 POINTS_REVERSED SENT',
    ]);
  });
});
