import { outboxPlugin, type OutboxMessage } from '@orderflow/persistence';
import { Schema } from 'mongoose';
import type { Notification } from '../domain/notification';

export const NOTIFICATION_MODEL = 'Notification';

/**
 * One document per order and kind: `_id` is `<orderId>:<kind>`, so recording the same
 * notification again (a redelivered or replayed event) creates nothing. It holds the
 * delivery state the dispatcher works from and, in `outbox`, the `NotificationSent` event
 * written by the same update that marks it SENT or FAILED.
 */
export interface NotificationDocument extends Omit<Notification, 'id'> {
  _id: string;
  notificationId: string;
  outbox: OutboxMessage[];
}

export const NotificationSchema = new Schema<NotificationDocument>(
  {
    _id: { type: String, required: true },
    notificationId: { type: String, required: true },
    orderId: { type: String, required: true },
    customerId: { type: String, required: true },
    kind: { type: String, required: true },
    channel: { type: String, required: true },
    status: { type: String, required: true },
    message: { type: String, required: true },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String, default: null },
    failureReason: { type: String, default: null },
    causationId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);

// What the dispatcher's periodic scan and the customer listing look for, on MongoDB and on the
// local database alike. The listing sorts by createdAt then _id: with _id in the index too, a
// page is read in index order and stops at its limit, however many notifications the customer has.
NotificationSchema.index({ status: 1, nextAttemptAt: 1 });
NotificationSchema.index({ customerId: 1, createdAt: -1, _id: -1 });
NotificationSchema.plugin(outboxPlugin);
