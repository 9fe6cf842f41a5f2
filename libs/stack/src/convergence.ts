import { eventually } from '@orderflow/testing';
import { call, FINAL, getOrder, getProduct, ownerOf, type ApiResponse, type OrderLine } from './api';
import { listNotifications, type NotificationKind } from './notifications';
import { getPoints } from './points';

/** The fields of an Order the invariants are about. */
export interface PlacedOrder {
  id: string;
  customerId: string;
  status: string;
  items: (OrderLine & { unitPrice: number | null })[];
  total: number | null;
  /** Every status the order went through, oldest first. */
  history?: { status: string; at: string }[];
}

export interface Stocked {
  sku: string;
  /** The stock the product was created with. */
  stock: number;
}

const inChunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Polls until every order is in a final state and returns them (in the order of `ids`).
 * Each customer lists their own orders, newest first, until it has seen theirs: one read
 * per customer a round, within the customer's own rate limit, rather than one per order
 * by one reader. Orders of unknown customers are read one by one. A few customers at a
 * time, so hundreds of pollers do not swamp the service under test.
 */
export async function allFinal(ids: string[], timeoutMs = 180_000): Promise<PlacedOrder[]> {
  const final = new Map<string, PlacedOrder>();
  const note = (order: PlacedOrder | undefined) => {
    if (order && FINAL.includes(order.status)) final.set(order.id, order);
  };
  await eventually(
    async () => {
      const pending = ids.filter((id) => !final.has(id));
      const byCustomer = new Map<string | undefined, string[]>();
      for (const id of pending) byCustomer.set(ownerOf(id), [...(byCustomer.get(ownerOf(id)) ?? []), id]);
      const reads = [...byCustomer].flatMap(([customerId, own]) =>
        customerId === undefined
          ? own.map((id) => async () => note(await getOrder(id)))
          : [async () => (await recentOrdersOf(customerId, own)).forEach(note)],
      );
      for (const chunk of inChunks(reads, 25)) await Promise.all(chunk.map((read) => read()));
      const left = ids.filter((id) => !final.has(id));
      if (left.length > 0) throw new Error(`${left.length} of ${ids.length} orders are not final yet, e.g. ${left.slice(0, 3).join(', ')}`);
    },
    { timeoutMs, intervalMs: 500 },
  );
  return ids.map((id) => final.get(id) as PlacedOrder);
}

/** The customer's orders, newest first, page by page until every one of `ids` was seen (or there are no more). */
async function recentOrdersOf(customerId: string, ids: string[]): Promise<PlacedOrder[]> {
  const wanted = new Set(ids);
  const orders: PlacedOrder[] = [];
  let cursor: string | null = null;
  do {
    const page = await ordersPage(customerId, cursor);
    orders.push(...page.items);
    for (const order of page.items) wanted.delete(order.id);
    cursor = page.nextCursor;
  } while (cursor && wanted.size > 0);
  return orders.filter((order) => ids.includes(order.id));
}

async function ordersPage(customerId: string, cursor: string | null): Promise<{ items: PlacedOrder[]; nextCursor: string | null }> {
  const query = `/orders?customerId=${encodeURIComponent(customerId)}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
  const page: ApiResponse<{ items: PlacedOrder[]; nextCursor: string | null }> = await call('order-api', 'GET', query);
  if (page.status !== 200) throw new Error(`GET ${query} answered ${page.status}`);
  return page.body;
}

/** Every order of a customer, page by page. */
export async function ordersOf(customerId: string): Promise<PlacedOrder[]> {
  const orders: PlacedOrder[] = [];
  let cursor: string | null = null;
  do {
    const page = await ordersPage(customerId, cursor);
    orders.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

/** Points a confirmed order earns: one per whole currency unit of its total. */
export const pointsFor = (order: PlacedOrder): number => Math.floor((order.total ?? 0) / 100);

const byCustomer = (orders: PlacedOrder[]): Map<string, PlacedOrder[]> => {
  const groups = new Map<string, PlacedOrder[]>();
  for (const order of orders) groups.set(order.customerId, [...(groups.get(order.customerId) ?? []), order]);
  return groups;
};

/**
 * Stock is exactly what the orders say: per SKU, reserved is the sum of the quantities of
 * the CONFIRMED orders, never more than the initial stock, and available is the initial
 * stock minus that. `orders` must be
 * every order that touched these SKUs, all in a final state.
 */
export async function expectStockConsistent(products: Stocked[], orders: PlacedOrder[]): Promise<void> {
  const held = new Map<string, number>();
  for (const order of orders.filter((o) => o.status === 'CONFIRMED')) {
    for (const item of order.items) held.set(item.sku, (held.get(item.sku) ?? 0) + item.quantity);
  }
  const actual = await Promise.all(
    products.map(async ({ sku }) => {
      const { available, reserved } = await getProduct(sku);
      return { sku, available, reserved };
    }),
  );
  const expected = products.map(({ sku, stock }) => ({ sku, available: stock - (held.get(sku) ?? 0), reserved: held.get(sku) ?? 0 }));
  // No oversell: the confirmed orders never hold more than there was.
  expect(expected.filter((p) => p.available < 0)).toEqual([]);
  expect(actual).toEqual(expected);
}

/**
 * Waits until points-service has caught up with `orders` (all final, none cancelled) and
 * checks that every customer's ledger holds exactly one AWARD of floor(total / 100) per
 * CONFIRMED order that earns any, nothing else, and a balance that is their sum.
 */
export async function expectPointsExactlyOnce(orders: PlacedOrder[], timeoutMs = 120_000): Promise<void> {
  const customers = [...byCustomer(orders)];
  const expected = (own: PlacedOrder[]) =>
    own
      .filter((o) => o.status === 'CONFIRMED' && pointsFor(o) > 0)
      .map((o) => ({ orderId: o.id, points: pointsFor(o), type: 'AWARD' }))
      .sort((a, b) => a.orderId.localeCompare(b.orderId));
  const ledgers = await eventually(
    async () => {
      const all = await Promise.all(customers.map(async ([customerId]) => getPoints(customerId)));
      customers.forEach(([customerId, own], i) => {
        const awarded = new Set(all[i].entries.map((e) => e.orderId));
        const missing = expected(own).filter((e) => !awarded.has(e.orderId));
        if (missing.length > 0) throw new Error(`${customerId} still waits for the points of ${missing.map((e) => e.orderId).join(', ')}`);
      });
      return all;
    },
    { timeoutMs, intervalMs: 500 },
  );
  customers.forEach(([customerId, own], i) => {
    const entries = ledgers[i].entries
      .map(({ orderId, points, type }) => ({ orderId, points, type }))
      .sort((a, b) => a.orderId.localeCompare(b.orderId));
    const want = expected(own);
    expect({ customerId, balance: ledgers[i].balance, entries }).toEqual({
      customerId,
      balance: want.reduce((sum, e) => sum + e.points, 0),
      entries: want,
    });
  });
}

/** True when the order was CONFIRMED at some point (a cancelled one may have been). */
export const wasConfirmed = (order: PlacedOrder): boolean =>
  order.status === 'CONFIRMED' || (order.history ?? []).some((entry) => entry.status === 'CONFIRMED');

/**
 * The notifications an order in a final state must cause. A cancelled order is told of
 * its cancellation, and, when it had been confirmed, of that and of the points it earned
 * and then lost (cancellations need the order's `history`).
 */
export function kindsFor(order: PlacedOrder): NotificationKind[] {
  if (order.status === 'REJECTED') return ['ORDER_REJECTED'];
  const confirmed: NotificationKind[] = wasConfirmed(order)
    ? ['ORDER_CONFIRMED', ...(pointsFor(order) > 0 ? (['POINTS_AWARDED'] as const) : [])]
    : [];
  if (order.status !== 'CANCELLED') return confirmed;
  return [...confirmed, 'ORDER_CANCELLED', ...(confirmed.includes('POINTS_AWARDED') ? (['POINTS_REVERSED'] as const) : [])];
}

/**
 * Waits until notification-service has sent what `orders` (all final, none cancelled)
 * call for, then checks each (order, kind) was notified exactly once and nothing else was.
 * Each customer must have at most 100 notifications (one page).
 */
export async function expectNotifiedOnce(orders: PlacedOrder[], timeoutMs = 120_000): Promise<void> {
  const customers = [...byCustomer(orders)];
  const expected = (own: PlacedOrder[]) => own.flatMap((o) => kindsFor(o).map((kind) => `${o.id} ${kind} SENT`)).sort();
  const lists = await eventually(
    async () => {
      const all = await Promise.all(customers.map(([customerId]) => listNotifications({ customerId })));
      customers.forEach(([customerId, own], i) => {
        const have = new Set(all[i].map((n) => `${n.orderId} ${n.kind} ${n.status}`));
        const missing = expected(own).filter((key) => !have.has(key));
        if (missing.length > 0) throw new Error(`${customerId} still waits for ${missing.length} notifications, e.g. ${missing[0]}`);
      });
      return all;
    },
    { timeoutMs, intervalMs: 500 },
  );
  customers.forEach(([customerId, own], i) => {
    expect({ customerId, notifications: lists[i].map((n) => `${n.orderId} ${n.kind} ${n.status}`).sort() }).toEqual({
      customerId,
      notifications: expected(own),
    });
  });
}
