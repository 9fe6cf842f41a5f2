import { OutboxMessageSchema, outboxPlugin, type OutboxMessage } from '@orderflow/persistence';
import { Schema } from 'mongoose';
import type { EntryType } from '../domain/ledger';

export const LEDGER_MODEL = 'OrderPoints';

/**
 * One document per order (`_id` = order id) holding everything points-service does for that
 * order, so every change is one atomic single-document update: the order's entries (an award,
 * then perhaps its reversal), the markers that make each change happen at most once, the net
 * points it contributes to its customer's balance, and the events its changes announced
 * (`announced`: the award, then perhaps the reversal). Every change answers a consumed event,
 * so the handler that made it publishes them, and a redelivery of the cause publishes them
 * again (`announcedFor`); the outbox only holds what an earlier version left there.
 *
 * Keyed by order rather than by customer, so no document grows with a customer's history:
 * a customer's balance is the sum of `net` over their orders (index `customerId`).
 */
export interface LedgerDocument {
  _id: string;
  customerId: string;
  /** Points awarded for the order; absent if none were. */
  awarded?: number;
  /** Points reversed when the order's cancel was handled (0 if none had been awarded); absent if no cancel was seen. */
  cancelled?: number;
  /** What this order adds to the customer's balance: awarded minus reversed. */
  net: number;
  entries: { orderId: string; points: number; type: EntryType; at: Date }[];
  createdAt: Date;
  updatedAt: Date;
  announced: OutboxMessage[];
  outbox: OutboxMessage[];
}

const EntrySchema = new Schema(
  {
    orderId: { type: String, required: true },
    points: { type: Number, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

export const LedgerSchema = new Schema<LedgerDocument>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    awarded: { type: Number },
    cancelled: { type: Number },
    net: { type: Number, required: true },
    entries: { type: [EntrySchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    announced: { type: [OutboxMessageSchema], default: [] },
  },
  { collection: 'order_points', versionKey: false, minimize: false },
);

// A customer's balance and newest entries (GET /customers/{id}/points).
LedgerSchema.index({ customerId: 1, updatedAt: -1 });
LedgerSchema.plugin(outboxPlugin);
