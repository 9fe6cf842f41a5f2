import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Model, QueryFilter } from 'mongoose';
import { NOTIFICATION_KINDS, notificationKey, type Notification, type NotificationKind } from '../domain/notification';
import { NOTIFICATION_MODEL, type NotificationDocument } from './notification.schema';
import { BatchedInserts, ByIdReader, GuardedUpdates, stampedBy, type StampedUpdate } from '@orderflow/persistence';

export interface NotificationQuery {
  orderId?: string;
  customerId?: string;
  limit: number;
}

const WITHOUT_OUTBOX = { outbox: 0 } as const;

/**
 * Notifications and their delivery state. Every change after the first write is one
 * conditional single-document update on `{_id, status: PENDING, attempts}`: `attempts` is
 * bumped when an attempt is claimed, so it doubles as the claim's fencing token — an
 * attempt whose claim ran out (and was taken over) can no longer change the outcome.
 */
@Injectable()
export class NotificationRepository {
  /** Attempts that end together (a batch of orders sent side by side) are stored in one bulk write. */
  private readonly finishes: GuardedUpdates<StampedUpdate>;
  /**
   * Notifications recorded together (different orders' events handled side by side) go out
   * as one unordered insert; each caller learns whether its own was new (the `_id` is the
   * order and kind, so "not new" means this order already has one of this kind).
   */
  private readonly inserts: BatchedInserts<NotificationDocument>;
  /** Whether notifications exist, for the events of a consumer batch: one query. */
  private readonly keys: ByIdReader<Pick<NotificationDocument, '_id'>>;

  constructor(@InjectModel(NOTIFICATION_MODEL) private readonly notifications: Model<NotificationDocument>) {
    this.keys = new ByIdReader<Pick<NotificationDocument, '_id'>>(notifications, { _id: 1 });
    this.finishes = new GuardedUpdates<StampedUpdate>(notifications, stampedBy(notifications, 'finishedAt'));
    this.inserts = new BatchedInserts<NotificationDocument>(notifications);
  }

  /**
   * Records a new notification, in whatever state its first attempt left it, with `event` in
   * its outbox if given; `false` if this order already has one of this kind.
   */
  insert(notification: Notification, event: OutboxMessage | null = null): Promise<boolean> {
    const { id, ...fields } = notification;
    return this.inserts.insert({
      _id: notificationKey(notification.orderId, notification.kind),
      notificationId: id,
      ...fields,
      outbox: event ? [event] : [],
    } as NotificationDocument);
  }

  /** Whether this order has a notification of this kind (reads asked for together share one query). */
  async exists(orderId: string, kind: NotificationKind): Promise<boolean> {
    return (await this.keys.find(notificationKey(orderId, kind))) !== null;
  }

  /** Up to `limit` pending notifications whose next attempt is due (the `{status, nextAttemptAt}` index). */
  async due(now: Date, limit: number): Promise<Notification[]> {
    const docs = await this.notifications
      .find({ status: 'PENDING', nextAttemptAt: { $lte: now } }, WITHOUT_OUTBOX)
      .limit(limit)
      .lean<NotificationDocument[]>()
      .exec();
    return docs.map(toNotification);
  }

  /**
   * Takes the next attempt of a due notification, until `leaseUntil`: `false` if another
   * dispatcher took it or its state moved on. A crash mid-attempt leaves it PENDING, and
   * due again once the lease runs out.
   */
  async claim(notification: Notification, now: Date, leaseUntil: Date): Promise<boolean> {
    const result = await this.notifications.updateOne(
      { ...this.current(notification), nextAttemptAt: { $lte: now } },
      { $inc: { attempts: 1 }, $set: { nextAttemptAt: leaseUntil, updatedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Ends a claimed attempt as SENT or FAILED, in one update, with its `NotificationSent` event
   * in the outbox, or without one when the event is published already (`event` null).
   */
  async finish(
    claimed: Notification,
    outcome: { status: 'SENT' } | { status: 'FAILED'; reason: string },
    at: Date,
    event: OutboxMessage | null,
  ): Promise<boolean> {
    const { _id, ...where } = this.current(claimed);
    return this.finishes.apply({
      id: _id as string,
      at,
      where,
      update: {
        $set: {
          status: outcome.status,
          ...(outcome.status === 'FAILED' && { failureReason: outcome.reason, lastError: outcome.reason }),
          finishedAt: at,
          updatedAt: at,
        },
        ...(event && { $push: { outbox: event } }),
      },
      events: event ? [event] : [],
    });
  }

  /** Puts a claimed attempt that failed back as PENDING, due again at `nextAttemptAt`. */
  async reschedule(claimed: Notification, error: string, nextAttemptAt: Date, at: Date): Promise<boolean> {
    const result = await this.notifications.updateOne(this.current(claimed), {
      $set: { lastError: error, nextAttemptAt, updatedAt: at },
    });
    return result.modifiedCount === 1;
  }

  /** Notifications of an order and/or a customer, newest first. */
  async list(query: NotificationQuery): Promise<Notification[]> {
    const filter: QueryFilter<NotificationDocument> = {};
    // By order, look the (at most five) documents up by `_id`: the one indexed lookup there is.
    if (query.orderId) filter._id = { $in: NOTIFICATION_KINDS.map((kind) => notificationKey(query.orderId as string, kind)) };
    if (query.customerId) filter.customerId = query.customerId;
    const docs = await this.notifications
      .find(filter, WITHOUT_OUTBOX)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit)
      .lean<NotificationDocument[]>()
      .exec();
    return docs.map(toNotification);
  }

  /** Matches the document only while it is still in the state `notification` was read in. */
  private current(notification: Notification): QueryFilter<NotificationDocument> {
    return {
      _id: notificationKey(notification.orderId, notification.kind),
      status: 'PENDING',
      attempts: notification.attempts,
    };
  }
}

function toNotification(doc: NotificationDocument): Notification {
  return {
    id: doc.notificationId,
    orderId: doc.orderId,
    customerId: doc.customerId,
    kind: doc.kind,
    channel: doc.channel,
    status: doc.status,
    message: doc.message,
    attempts: doc.attempts,
    nextAttemptAt: new Date(doc.nextAttemptAt),
    lastError: doc.lastError ?? null,
    failureReason: doc.failureReason ?? null,
    causationId: doc.causationId,
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    finishedAt: doc.finishedAt ? new Date(doc.finishedAt) : null,
  };
}
