import { FINAL } from './api';
import { kindsFor, pointsFor, wasConfirmed, type PlacedOrder } from './convergence';
import type { CustomerPoints } from './points';

/** What the pipeline holds at the end of a run, as its public APIs report it. */
export interface PipelineState {
  /** Every SKU of the run: the stock it was created with and what inventory-service reports now. */
  products: { sku: string; stock: number; available: number; reserved: number }[];
  /** Every order of the run, as order-api reports it (with `history`). */
  orders: PlacedOrder[];
  /** How many orders order-api accepted (202) in the run. */
  accepted: number;
  ledgers: CustomerPoints[];
  notifications: { orderId: string; kind: string; status: string }[];
}

const count = <T>(items: T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

function finalOrders(state: PipelineState): string[] {
  const problems: string[] = [];
  if (state.orders.length !== state.accepted)
    problems.push(`order-api lists ${state.orders.length} orders, ${state.accepted} were accepted`);
  const open = state.orders.filter((o) => !FINAL.includes(o.status));
  if (open.length > 0) problems.push(`${open.length} orders are not final, e.g. ${open[0].id} is ${open[0].status}`);
  return problems;
}

/** No oversell, and stock conserved: what CONFIRMED orders hold is reserved, the rest available. */
function stock(state: PipelineState): string[] {
  const held = new Map<string, number>();
  for (const order of state.orders.filter((o) => o.status === 'CONFIRMED')) {
    for (const item of order.items) held.set(item.sku, (held.get(item.sku) ?? 0) + item.quantity);
  }
  return state.products.flatMap((p) => {
    const problems: string[] = [];
    if (p.available < 0 || p.reserved < 0) problems.push(`oversell: ${p.sku} has available ${p.available}, reserved ${p.reserved}`);
    if (p.available + p.reserved !== p.stock)
      problems.push(`stock not conserved: ${p.sku} has available ${p.available} + reserved ${p.reserved} ≠ ${p.stock}`);
    if (p.reserved !== (held.get(p.sku) ?? 0))
      problems.push(`${p.sku} reserves ${p.reserved}, its confirmed orders hold ${held.get(p.sku) ?? 0}`);
    return problems;
  });
}

/** The points API lists a customer's newest 100 entries; the balance counts them all. */
const POINTS_ENTRIES_SHOWN = 100;

/**
 * Points exactly once: a CONFIRMED order earned one AWARD of floor(total / 100); a cancelled
 * order that had been confirmed was awarded and reversed once each; nothing else; and each
 * balance is what its CONFIRMED orders earned. When a customer's list is cut at its newest
 * entries, orders it leaves out are covered by the balance alone.
 */
function points(state: PipelineState): string[] {
  const ledgers = new Map(state.ledgers.map((ledger) => [ledger.customerId, ledger]));
  const customers = [...new Set(state.orders.map((o) => o.customerId))];
  return customers.flatMap((customerId) => {
    const own = state.orders.filter((o) => o.customerId === customerId);
    const ledger = ledgers.get(customerId) ?? { customerId, balance: 0, entries: [] };
    const problems: string[] = [];
    const expectedBalance = own.filter((o) => o.status === 'CONFIRMED').reduce((sum, o) => sum + pointsFor(o), 0);
    if (ledger.balance !== expectedBalance)
      problems.push(`${customerId} has ${ledger.balance} points, their confirmed orders earned ${expectedBalance}`);
    const byOrder = new Map<string, string[]>();
    for (const e of ledger.entries) byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), `${e.type} ${e.points}`]);
    const cut = ledger.entries.length >= POINTS_ENTRIES_SHOWN;
    for (const order of own) {
      if (cut && !byOrder.has(order.id)) continue;
      const earned = wasConfirmed(order) ? pointsFor(order) : 0;
      const want = earned === 0 ? [] : order.status === 'CANCELLED' ? [`AWARD ${earned}`, `REVERSAL ${-earned}`] : [`AWARD ${earned}`];
      const have = byOrder.get(order.id) ?? [];
      if (have.join() !== want.join())
        problems.push(`order ${order.id} (${order.status}) has points [${have.join(', ')}], expected [${want.join(', ')}]`);
      byOrder.delete(order.id);
    }
    for (const [orderId, entries] of byOrder)
      problems.push(`${customerId} has points [${entries.join(', ')}] for unknown order ${orderId}`);
    return problems;
  });
}

/** One SENT notification per (order, kind) its final state calls for, and nothing else. */
function notifications(state: PipelineState): string[] {
  const have = count(state.notifications, (n) => `${n.orderId} ${n.kind} ${n.status}`);
  const problems: string[] = [];
  for (const order of state.orders) {
    for (const kind of kindsFor(order)) {
      const key = `${order.id} ${kind} SENT`;
      const times = have.get(key) ?? 0;
      if (times !== 1) problems.push(`order ${order.id} (${order.status}) was notified ${kind} ${times} times`);
      have.delete(key);
    }
  }
  for (const [key, times] of have) problems.push(`unexpected notification${times > 1 ? ` ×${times}` : ''}: ${key}`);
  return problems;
}

export interface InvariantReport {
  /** Every invariant by name, with what breaks it (empty when it holds). */
  checks: { name: string; violations: string[] }[];
  ok: boolean;
}

export function checkInvariants(state: PipelineState): InvariantReport {
  const checks = [
    { name: 'every order final', violations: finalOrders(state) },
    { name: 'no oversell, stock conserved', violations: stock(state) },
    { name: 'points exact', violations: points(state) },
    { name: 'notifications exact', violations: notifications(state) },
  ];
  return { checks, ok: checks.every((c) => c.violations.length === 0) };
}
