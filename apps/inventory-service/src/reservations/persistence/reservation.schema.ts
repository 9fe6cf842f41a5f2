import { OutboxMessageSchema, outboxPlugin, type OutboxMessage } from '@orderflow/persistence';
import { Schema } from 'mongoose';
import type { PricedLine, Rejection } from '../domain/reservation.rules';
import { RESERVATION_STATUSES, type ReservationStatus } from '../domain/reservation.transitions';

export const RESERVATION_MODEL = 'Reservation';

/**
 * One document per order (`_id` = order id): the reservation and the events its changes
 * announced. Its states and the moves between them are the domain's
 * (`reservation.transitions.ts`).
 *
 * Every change here answers a consumed event, so its events are published by the handler
 * that made it and kept in `announced` (at most two: the outcome, then the release) for a
 * redelivery of their cause to publish again (`announcedFor`); nothing is written to the
 * outbox. The outbox stays for what an earlier version left in it, which the relay's sweep
 * still publishes.
 */
export interface ReservationDocument {
  _id: string;
  status: ReservationStatus;
  lines: PricedLine[];
  total: number | null;
  currency: string;
  rejection: Rejection | null;
  createdAt: Date;
  updatedAt: Date;
  announced: OutboxMessage[];
  outbox: OutboxMessage[];
}

export const ReservationSchema = new Schema<ReservationDocument>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true, enum: RESERVATION_STATUSES },
    lines: { type: [new Schema({ sku: String, quantity: Number, unitPrice: Number }, { _id: false })], default: [] },
    total: { type: Number, default: null },
    currency: { type: String, required: true },
    rejection: { type: new Schema({ reason: String, skus: [String] }, { _id: false }), default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    announced: { type: [OutboxMessageSchema], default: [] },
  },
  { collection: 'reservations', versionKey: false, minimize: false },
);
ReservationSchema.plugin(outboxPlugin);
