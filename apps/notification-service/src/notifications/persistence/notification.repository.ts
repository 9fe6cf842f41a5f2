import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ByIdReader, driverCollection, GuardedUpdates, type OutboxMessage } from '@orderflow/persistence';
import type { Model } from 'mongoose';
import { NOTIFICATION_KINDS, type Notification, type NotificationKind } from '../domain/notification';
import { moveLegacyNotifications } from './legacy-notifications.migration';
import { insertion, type KindsUpdate, type Recording } from './notification.insertion';
import { NOTIFICATION_MODEL, type NotificationDocument } from './notification.schema';
import { RecentKinds } from './recent.kinds';

export interface NotificationQuery {
  orderId?: string;
  customerId?: string;
  limit: number;
}

const WITHOUT_OUTBOX = { outbox: 0 } as const;

/**
 * Notifications and their delivery state, one document per order (`NotificationDocument`).
 * Every change after the first write is one conditional update of one notification's fields,
 * on `{status: PENDING, attempts}`: `attempts` is bumped when an attempt is claimed, so it
 * doubles as the claim's fencing token — an attempt whose claim ran out (and was taken over)
 * can no longer change the outcome.
 */
@Injectable()
export class NotificationRepository {
  private readonly logger = new Logger(NotificationRepository.name);
  /** Writes asked for together (the orders of a consumer batch) go out as one bulk write. */
  private readonly updates: GuardedUpdates<KindsUpdate>;
  /** Which notifications the orders of a consumer batch have: one query. */
  private readonly kinds: ByIdReader<Pick<NotificationDocument, '_id' | 'kinds'>>;
  /** What was just read or written of an order's kinds: its other notification of the moment asks no query. */
  private readonly recent = new RecentKinds();
  private moved?: Promise<void>;

  constructor(@InjectModel(NOTIFICATION_MODEL) private readonly notifications: Model<NotificationDocument>) {
    this.kinds = new ByIdReader(notifications, Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [`kinds.${kind}.status`, 1])));
    this.updates = new GuardedUpdates<KindsUpdate>(notifications, (updates) => this.stamped(updates));
  }

  /**
   * Records new notifications of one order, each in whatever state its first attempt left it,
   * with its event in the outbox if given, in one write: it applies only if the order has none
   * of their kinds yet (or no document at all, which it then creates). If one of them is there
   * already, each is stored on its own, so only that one answers `false` (not new).
   */
  async record(recordings: Recording[]): Promise<boolean[]> {
    await this.ready();
    const { orderId } = recordings[0].notification;
    let results: boolean[];
    try {
      results = await this.insert(recordings);
    } catch (error) {
      // It may have applied all the same (a connection lost before the answer).
      this.recent.forget(orderId);
      throw error;
    }
    // New or there already, the order has each of them now.
    this.recent.written(
      orderId,
      recordings.map((r) => r.notification.kind),
    );
    return results;
  }

  private async insert(recordings: Recording[]): Promise<boolean[]> {
    if (await this.updates.apply(insertion(recordings))) return recordings.map(() => true);
    if (recordings.length === 1) return [false];
    return Promise.all(recordings.map((recording) => this.updates.apply(insertion([recording]))));
  }

  /**
   * Whether this order has a notification of this kind: from what was just read or written
   * of the order here (`RecentKinds`), or else one query, shared by the reads asked for together.
   */
  async exists(orderId: string, kind: NotificationKind): Promise<boolean> {
    await this.ready();
    const known = this.recent.has(orderId, kind);
    if (known !== undefined) return known;
    const kinds = Object.keys((await this.kinds.find(orderId))?.kinds ?? {}) as NotificationKind[];
    this.recent.read(orderId, kinds);
    return kinds.includes(kind);
  }

  /**
   * Pending notifications whose next attempt is due, from up to `limit` orders (the sparse
   * `due` index). An order found with none due any more (its attempt claimed, or finished)
   * has its `due` set to its next pending attempt, or removed.
   */
  async due(now: Date, limit: number): Promise<Notification[]> {
    await this.ready();
    const docs = await this.notifications
      .find({ due: { $lte: now } }, WITHOUT_OUTBOX)
      .limit(limit)
      .lean<NotificationDocument[]>()
      .exec();
    const due: Notification[] = [];
    await Promise.all(
      docs.map((doc) => {
        const pending = notificationsOf(doc).filter((n) => n.status === 'PENDING');
        const ready = pending.filter((n) => n.nextAttemptAt.getTime() <= now.getTime());
        due.push(...ready);
        return ready.length === 0 ? this.moveDue(doc, pending) : undefined;
      }),
    );
    return due;
  }

  /**
   * Takes the next attempt of a due notification, until `leaseUntil`: `false` if another
   * dispatcher took it or its state moved on. A crash mid-attempt leaves it PENDING, and
   * due again once the lease runs out.
   */
  async claim(notification: Notification, now: Date, leaseUntil: Date): Promise<boolean> {
    const path = `kinds.${notification.kind}`;
    const result = await this.notifications.updateOne(
      { ...current(notification), [`${path}.nextAttemptAt`]: { $lte: now } },
      {
        $inc: { [`${path}.attempts`]: 1 },
        $set: { [`${path}.nextAttemptAt`]: leaseUntil, [`${path}.updatedAt`]: now },
        $min: { due: leaseUntil },
      },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Ends a claimed attempt as SENT or FAILED, in one update, with its `NotificationSent` event
   * in the outbox, or without one when the event is published already (`event` null).
   */
  finish(
    claimed: Notification,
    outcome: { status: 'SENT' } | { status: 'FAILED'; reason: string },
    at: Date,
    event: OutboxMessage | null,
  ): Promise<boolean> {
    const path = `kinds.${claimed.kind}`;
    const { _id, ...where } = current(claimed);
    return this.updates.apply({
      id: _id as string,
      where,
      update: {
        $set: {
          [`${path}.status`]: outcome.status,
          ...(outcome.status === 'FAILED' && { [`${path}.failureReason`]: outcome.reason, [`${path}.lastError`]: outcome.reason }),
          [`${path}.finishedAt`]: at,
          [`${path}.updatedAt`]: at,
        },
        ...(event && { $push: { outbox: event } }),
      },
      events: event ? [event] : [],
      stamps: [{ kind: claimed.kind, field: 'finishedAt', at }],
    });
  }

  /** Puts a claimed attempt that failed back as PENDING, due again at `nextAttemptAt`. */
  async reschedule(claimed: Notification, error: string, nextAttemptAt: Date, at: Date): Promise<boolean> {
    const path = `kinds.${claimed.kind}`;
    const result = await this.notifications.updateOne(current(claimed), {
      $set: { [`${path}.lastError`]: error, [`${path}.nextAttemptAt`]: nextAttemptAt, [`${path}.updatedAt`]: at },
      $min: { due: nextAttemptAt },
    });
    return result.modifiedCount === 1;
  }

  /**
   * Notifications of an order and/or a customer, newest first. A customer's are read a page of
   * orders at a time, newest notification first (`latestAt`): the newest `limit` notifications
   * are among the notifications of the `limit` orders with the newest ones.
   */
  async list(query: NotificationQuery): Promise<Notification[]> {
    await this.ready();
    const docs = query.orderId
      ? await this.notifications
          .find({ _id: query.orderId, ...(query.customerId && { customerId: query.customerId }) }, WITHOUT_OUTBOX)
          .lean<NotificationDocument[]>()
          .exec()
      : await this.notifications
          .find({ customerId: query.customerId }, WITHOUT_OUTBOX)
          .sort({ latestAt: -1, _id: -1 })
          .limit(query.limit)
          .lean<NotificationDocument[]>()
          .exec();
    return docs
      .flatMap(notificationsOf)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, query.limit);
  }

  /**
   * Sets an order's `due` to its next pending attempt, or removes it when none is pending — if
   * nothing changed since it was read: the same `due`, the same pending notifications with the
   * same next attempts, no other pending.
   */
  private async moveDue(doc: NotificationDocument, pending: Notification[]): Promise<void> {
    const pendingKinds = new Map(pending.map((n) => [n.kind, n]));
    const unchanged = Object.fromEntries(
      NOTIFICATION_KINDS.flatMap((kind): [string, unknown][] => {
        const n = pendingKinds.get(kind);
        return n
          ? [
              [`kinds.${kind}.status`, 'PENDING'],
              [`kinds.${kind}.nextAttemptAt`, n.nextAttemptAt],
            ]
          : [[`kinds.${kind}.status`, { $ne: 'PENDING' }]];
      }),
    );
    const next = pending.length > 0 ? new Date(Math.min(...pending.map((n) => n.nextAttemptAt.getTime()))) : null;
    await this.notifications.updateOne(
      { _id: doc._id, due: doc.due, ...unchanged },
      next ? { $set: { due: next } } : { $unset: { due: '' } },
    );
  }

  /** Which updates applied: those whose notifications carry the times they stamped. One query. */
  private async stamped(updates: KindsUpdate[]): Promise<boolean[]> {
    const docs = await driverCollection(this.notifications)
      .find({ _id: { $in: updates.map((u) => u.id) } }, { projection: { kinds: 1 } })
      .toArray();
    const byId = new Map(docs.map((doc) => [doc._id, doc as unknown as Pick<NotificationDocument, 'kinds'>]));
    return updates.map((u) =>
      u.stamps.every((stamp) => {
        const stored = byId.get(u.id)?.kinds?.[stamp.kind]?.[stamp.field];
        return stored != null && new Date(stored).getTime() === stamp.at.getTime();
      }),
    );
  }

  /** Notifications kept one document per order and kind by an earlier version are moved here first, once. */
  private ready(): Promise<void> {
    this.moved ??= moveLegacyNotifications(this.notifications, this.logger).catch((error: unknown) => {
      this.moved = undefined;
      throw error;
    });
    return this.moved;
  }
}

/** Matches the order's document only while the notification is still in the state it was read in. */
function current(notification: Notification): Record<string, unknown> {
  return {
    _id: notification.orderId,
    [`kinds.${notification.kind}.status`]: 'PENDING',
    [`kinds.${notification.kind}.attempts`]: notification.attempts,
  };
}

/** The notifications an order's document holds. */
function notificationsOf(doc: NotificationDocument): Notification[] {
  return NOTIFICATION_KINDS.flatMap((kind) => {
    const state = doc.kinds?.[kind];
    if (!state) return [];
    return [
      {
        id: state.id,
        orderId: doc._id,
        customerId: doc.customerId,
        kind,
        channel: state.channel,
        status: state.status,
        message: state.message,
        attempts: state.attempts,
        nextAttemptAt: new Date(state.nextAttemptAt),
        lastError: state.lastError ?? null,
        failureReason: state.failureReason ?? null,
        causationId: state.causationId,
        createdAt: new Date(state.createdAt),
        updatedAt: new Date(state.updatedAt),
        finishedAt: state.finishedAt ? new Date(state.finishedAt) : null,
      },
    ];
  });
}
