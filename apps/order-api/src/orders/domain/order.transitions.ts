import type { Order, OrderLine, Rejection } from './order';

/** What can happen to an order: inventory's answers and the customer's cancel. */
export type OrderInput =
  | { kind: 'reserved'; lines: { sku: string; quantity: number; unitPrice: number }[]; total: number }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'cancel' }
  /** The order stayed PENDING past the deployment's limit (ADR 0004). */
  | { kind: 'timeout' };

export type Transition =
  | { outcome: 'applied'; order: Order }
  /** Nothing changes; `reason` says why, for the record. */
  | { outcome: 'ignored'; reason: string }
  /** Already in the state this input leads to: nothing to do, nothing to record. */
  | { outcome: 'unchanged' };

/**
 * The order state machine, as a pure function:
 *
 *   PENDING --reserved--> CONFIRMED --cancel--> CANCELLED
 *   PENDING --rejected--> REJECTED
 *   PENDING --cancel----> CANCELLED
 *   PENDING --timeout---> REJECTED (reason TIMEOUT)
 *
 * An input that does not fit the current state (a reservation for a cancelled order, a
 * second answer from inventory) is ignored, never applied.
 */
export function transition(order: Order, input: OrderInput, at: Date): Transition {
  switch (input.kind) {
    case 'reserved': {
      if (order.status !== 'PENDING') return { outcome: 'ignored', reason: `reservation for a ${order.status} order` };
      const items = priced(order.items, input.lines);
      if (!items) return { outcome: 'ignored', reason: 'reservation does not match the order lines' };
      return applied(order, { status: 'CONFIRMED', items, total: input.total }, at);
    }
    case 'rejected':
      if (order.status !== 'PENDING') return { outcome: 'ignored', reason: `rejection for a ${order.status} order` };
      return applied(order, { status: 'REJECTED', rejection: input.rejection }, at);
    case 'timeout':
      // Inventory answered, or the customer cancelled, after all: nothing is overdue.
      if (order.status !== 'PENDING') return { outcome: 'unchanged' };
      return applied(order, { status: 'REJECTED', rejection: { reason: 'TIMEOUT', skus: [] } }, at);
    case 'cancel':
      if (order.status === 'CANCELLED') return { outcome: 'unchanged' };
      if (order.status === 'REJECTED') return { outcome: 'ignored', reason: 'a rejected order cannot be cancelled' };
      return applied(order, { status: 'CANCELLED' }, at);
  }
}

function applied(order: Order, change: Partial<Order> & Pick<Order, 'status'>, at: Date): Transition {
  return {
    outcome: 'applied',
    order: { ...order, ...change, history: [...order.history, { status: change.status, at }], updatedAt: at },
  };
}

/** The order's lines with inventory's prices, or undefined if inventory answered for other lines. */
function priced(items: OrderLine[], lines: { sku: string; quantity: number; unitPrice: number }[]): OrderLine[] | undefined {
  if (lines.length !== items.length) return undefined;
  const bySku = new Map(lines.map((line) => [line.sku, line]));
  const result: OrderLine[] = [];
  for (const item of items) {
    const line = bySku.get(item.sku);
    if (!line || line.quantity !== item.quantity) return undefined;
    result.push({ ...item, unitPrice: line.unitPrice });
  }
  return result;
}
