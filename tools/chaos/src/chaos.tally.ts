import { FINAL, kindsFor, pointsFor, wasConfirmed, type PipelineState } from '@orderflow/stack';

/** What a user would notice of a run under faults, as counts. */
export interface Tally {
  placed: number;
  accepted: number;
  /** Accepted orders that reached a final state. */
  final: number;
  /** Accepted orders missing or never final, and effects never delivered (points, notifications, events parked that were not poison). */
  lost: number;
  /** Effects delivered more than once: points entries, notifications, units reserved beyond the confirmed orders. */
  doubled: number;
  /** Units reserved beyond a product's stock. */
  oversold: number;
}

export interface TallyInput {
  placed: number;
  acceptedIds: string[];
  state: PipelineState;
  /** Messages that reached dead-letter topics beyond the poison ones. */
  unexpectedDeadLetters: number;
}

export function tally({ placed, acceptedIds, state, unexpectedDeadLetters }: TallyInput): Tally {
  const byId = new Map(state.orders.map((o) => [o.id, o]));
  const final = acceptedIds.filter((id) => FINAL.includes(byId.get(id)?.status ?? '')).length;
  let lost = acceptedIds.length - final + state.orders.filter((o) => !acceptedIds.includes(o.id) && !FINAL.includes(o.status)).length;
  let doubled = 0;

  const notified = new Map<string, number>();
  for (const n of state.notifications) notified.set(`${n.orderId} ${n.kind}`, (notified.get(`${n.orderId} ${n.kind}`) ?? 0) + 1);
  for (const order of state.orders) {
    for (const kind of kindsFor(order)) {
      const times = notified.get(`${order.id} ${kind}`) ?? 0;
      if (times === 0) lost += 1;
      doubled += Math.max(0, times - 1);
      notified.delete(`${order.id} ${kind}`);
    }
  }
  for (const times of notified.values()) doubled += times;

  const entries = new Map<string, number>();
  for (const ledger of state.ledgers)
    for (const e of ledger.entries) entries.set(`${e.orderId} ${e.type}`, (entries.get(`${e.orderId} ${e.type}`) ?? 0) + 1);
  for (const order of state.orders) {
    const earned = wasConfirmed(order) ? pointsFor(order) : 0;
    const want = earned === 0 ? [] : order.status === 'CANCELLED' ? ['AWARD', 'REVERSAL'] : ['AWARD'];
    for (const type of want) {
      const times = entries.get(`${order.id} ${type}`) ?? 0;
      if (times === 0) lost += 1;
      doubled += Math.max(0, times - 1);
      entries.delete(`${order.id} ${type}`);
    }
  }
  for (const times of entries.values()) doubled += times;

  const held = new Map<string, number>();
  for (const order of state.orders.filter((o) => o.status === 'CONFIRMED')) {
    for (const item of order.items) held.set(item.sku, (held.get(item.sku) ?? 0) + item.quantity);
  }
  let oversold = 0;
  for (const p of state.products) {
    doubled += Math.max(0, p.reserved - (held.get(p.sku) ?? 0));
    lost += Math.max(0, (held.get(p.sku) ?? 0) - p.reserved);
    oversold += Math.max(0, p.reserved - p.stock) + Math.max(0, -p.available);
  }
  return { placed, accepted: acceptedIds.length, final, lost: lost + Math.max(0, unexpectedDeadLetters), doubled, oversold };
}
