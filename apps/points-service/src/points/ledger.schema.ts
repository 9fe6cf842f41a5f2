import { OutboxMessageSchema, type OutboxMessage } from '@orderflow/messaging';
import { Schema } from 'mongoose';
import type { EntryType } from './domain/ledger';

export const LEDGER_MODEL = 'Ledger';
export const LEDGER_COLLECTION = 'ledgers';

/**
 * One document per customer (`_id` = customer id) holding everything that must change
 * together, so every change is one atomic single-document update: the balance, the
 * entries it is the sum of, the per-order markers that make each change happen at most
 * once, and the events still to publish (`outbox`).
 *
 * The markers are maps keyed by order id rather than arrays, because a condition on
 * `awards.<orderId>` works on every MongoDB-compatible server we run on.
 */
export interface LedgerDocument {
  _id: string;
  balance: number;
  entries: { orderId: string; points: number; type: EntryType; at: Date }[];
  /** Order id → points awarded for it. */
  awards: Record<string, number>;
  /** Order id → points reversed when its cancel was handled (0 if none had been awarded). */
  cancelled: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
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
    balance: { type: Number, required: true },
    entries: { type: [EntrySchema], default: [] },
    awards: { type: Schema.Types.Mixed, default: {} },
    cancelled: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    outbox: { type: [OutboxMessageSchema], default: [] },
  },
  { collection: LEDGER_COLLECTION, versionKey: false, minimize: false },
);
