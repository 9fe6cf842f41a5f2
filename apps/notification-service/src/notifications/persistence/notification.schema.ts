import { outboxPlugin, type OutboxMessage } from '@orderflow/persistence';
import { Schema } from 'mongoose';
import type { Notification, NotificationKind } from '../domain/notification';

export const NOTIFICATION_MODEL = 'OrderNotifications';

/** One notification's state inside its order's document (the order, customer and kind are the document's and the key's). */
export type StoredNotification = Omit<Notification, 'orderId' | 'customerId' | 'kind'>;

/**
 * One document per order (`_id` = order id) holding that order's notifications, at most one
 * per kind (`kinds.<KIND>`), so at most five: recording a notification again (a redelivered
 * or replayed event) finds its kind there and creates nothing, and an order's notifications
 * that come together — its confirmation and its points, its cancellation and their reversal
 * — are stored by one write. Every change of one notification is a conditional update of its
 * own `kinds.<KIND>` fields.
 *
 * `due` is the earliest moment one of the order's PENDING notifications may need an attempt
 * (absent when none is pending, which keeps the document out of the sparse index the
 * dispatcher's scan reads); `latestAt` is its newest notification's creation, for the
 * customer listing's order. `outbox` holds the `NotificationSent` events the broker did not
 * take in time, written by the update that stored their outcome.
 */
export interface NotificationDocument {
  _id: string;
  customerId: string;
  kinds: Partial<Record<NotificationKind, StoredNotification>>;
  due?: Date;
  latestAt: Date;
  createdAt: Date;
  outbox: OutboxMessage[];
}

export const NotificationSchema = new Schema<NotificationDocument>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    kinds: { type: Schema.Types.Mixed, required: true },
    due: { type: Date },
    latestAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'order_notifications', versionKey: false, minimize: false },
);

// The dispatcher's scan for due notifications reads only the documents with one pending; the
// customer listing reads a page of orders in index order, newest notification first, on
// MongoDB and on the local database alike.
NotificationSchema.index({ due: 1 }, { sparse: true });
NotificationSchema.index({ customerId: 1, latestAt: -1, _id: -1 });
NotificationSchema.plugin(outboxPlugin);

/** Where notifications were kept one document per order and kind, before; moved at start (`LegacyNotifications`). */
export const LEGACY_NOTIFICATION_COLLECTION = 'notifications';
