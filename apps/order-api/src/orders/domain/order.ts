import type { OrderStatus, RejectionReason } from '@orderflow/contracts';

/**
 * The order aggregate as the domain sees it: plain data, no framework. Money is an integer
 * number of minor units; `null` until inventory has priced the order.
 */

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number | null;
}

export interface Rejection {
  reason: RejectionReason;
  skus: string[];
}

export interface StatusChange {
  status: OrderStatus;
  at: Date;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: OrderLine[];
  total: number | null;
  currency: string;
  rejection: Rejection | null;
  history: StatusChange[];
  createdAt: Date;
  updatedAt: Date;
}

/** One event in an order's timeline: its type, the service that published it, and when it happened. */
export interface TimelineEvent {
  eventId: string;
  type: string;
  source: string;
  at: Date;
}

/** Errors with a stable code; the HTTP edge maps each code to a status once. */
export class OrderError extends Error {
  constructor(
    readonly code: 'ORDER_NOT_FOUND' | 'ORDER_NOT_CANCELLABLE' | 'IDEMPOTENCY_KEY_REUSED' | 'IDEMPOTENCY_KEY_IN_USE',
    message: string,
  ) {
    super(message);
    this.name = 'OrderError';
  }
}

export function orderNotFound(id: string): OrderError {
  return new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`);
}

/** A new order as `POST /orders` stores it. */
export function newOrder(init: {
  id: string;
  customerId: string;
  lines: { sku: string; quantity: number }[];
  currency: string;
  at: Date;
}): Order {
  return {
    id: init.id,
    customerId: init.customerId,
    status: 'PENDING',
    items: init.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: null })),
    total: null,
    currency: init.currency,
    rejection: null,
    history: [{ status: 'PENDING', at: init.at }],
    createdAt: init.at,
    updatedAt: init.at,
  };
}

/** The order as it was when placed: what `POST /orders` answered, for idempotent replays. */
export function asPlaced(order: Order): Order {
  return {
    ...order,
    status: 'PENDING',
    items: order.items.map((item) => ({ ...item, unitPrice: null })),
    total: null,
    rejection: null,
    history: order.history.slice(0, 1),
    updatedAt: order.createdAt,
  };
}
