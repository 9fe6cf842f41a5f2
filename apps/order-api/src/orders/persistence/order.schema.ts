import { outboxPlugin, type OutboxMessage } from '@orderflow/persistence';
import { Schema } from 'mongoose';
import type { Order } from '../domain/order';

export const ORDER_MODEL = 'Order';

/**
 * One document per order, holding everything that must change together in one atomic
 * write: the order, the events it still has to publish (`outbox`), the ids of the events
 * it has already handled (`seenEvents`, for idempotent consumers) and a `version` for
 * optimistic concurrency between the REST API and the consumers.
 */
export interface OrderDocument extends Omit<Order, 'id'> {
  _id: string;
  version: number;
  /** Present when the order was placed with an `Idempotency-Key`. */
  idempotency: { key: string; fingerprint: string } | null;
  seenEvents: string[];
  /** Events that did not fit the order's state: recorded, never applied. */
  ignoredEvents: { eventId: string; type: string; reason: string; at: Date }[];
  outbox: OutboxMessage[];
  /** Every event seen for this order, keyed by event id (so a redelivery adds nothing). */
  timeline: Record<string, TimelineEntry>;
}

export interface TimelineEntry {
  type: string;
  source: string;
  /** When the event happened, as its producer says. */
  at: Date;
}

const LineSchema = new Schema({ sku: String, quantity: Number, unitPrice: Number }, { _id: false });

export const OrderSchema = new Schema<OrderDocument>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true },
    items: { type: [LineSchema], required: true },
    total: { type: Number, default: null },
    currency: { type: String, required: true },
    rejection: { type: new Schema({ reason: String, skus: [String] }, { _id: false }), default: null },
    history: { type: [new Schema({ status: String, at: Date }, { _id: false })], required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
    idempotency: { type: new Schema({ key: String, fingerprint: String }, { _id: false }), default: null },
    seenEvents: { type: [String], default: [] },
    ignoredEvents: {
      type: [new Schema({ eventId: String, type: String, reason: String, at: Date }, { _id: false })],
      default: [],
    },
    timeline: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'orders', versionKey: false, minimize: false },
);

// GET /orders pages newest first, optionally by customer and status; the tie-break on _id
// keeps the cursor stable (see OrderRepository.list).
OrderSchema.index({ customerId: 1, createdAt: -1, _id: -1 });
OrderSchema.index({ status: 1, createdAt: -1, _id: -1 });
OrderSchema.index({ createdAt: -1, _id: -1 });
OrderSchema.plugin(outboxPlugin);
