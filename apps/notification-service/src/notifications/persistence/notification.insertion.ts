import type { GuardedUpdate, OutboxMessage } from '@orderflow/persistence';
import type { Notification, NotificationKind } from '../domain/notification';
import type { StoredNotification } from './notification.schema';

/** A new notification to store, with its `NotificationSent` event if the broker did not take it. */
export interface Recording {
  notification: Notification;
  event: OutboxMessage | null;
}

/** A guarded update of some of an order's notifications, told applied by the times it stamps on them. */
export interface KindsUpdate extends GuardedUpdate {
  stamps: { kind: NotificationKind; field: 'updatedAt' | 'finishedAt'; at: Date }[];
}

/**
 * The write that stores new notifications of one order (the same customer's): creates the
 * order's document, or adds them to it if it has none of their kinds yet.
 */
export function insertion(recordings: Recording[]): KindsUpdate {
  const { orderId, customerId } = recordings[0].notification;
  const states = recordings.map(({ notification }) => notification);
  const pending = states.filter((n) => n.status === 'PENDING').map((n) => n.nextAttemptAt.getTime());
  const events = recordings.flatMap(({ event }) => (event ? [event] : []));
  return {
    id: orderId,
    where: Object.fromEntries(states.map((n) => [`kinds.${n.kind}`, { $exists: false }])),
    update: {
      $set: Object.fromEntries(states.map((n) => [`kinds.${n.kind}`, stored(n)])),
      $setOnInsert: { customerId, createdAt: new Date(Math.min(...states.map((n) => n.createdAt.getTime()))) },
      $max: { latestAt: new Date(Math.max(...states.map((n) => n.createdAt.getTime()))) },
      ...(pending.length > 0 && { $min: { due: new Date(Math.min(...pending)) } }),
      ...(events.length > 0 && { $push: { outbox: { $each: events } } }),
    },
    upsert: true,
    events,
    stamps: states.map((n) => ({ kind: n.kind, field: 'updatedAt' as const, at: n.updatedAt })),
  };
}

/** A notification's own fields, as its order's document keeps them. */
export function stored(n: Notification): StoredNotification {
  return {
    id: n.id,
    channel: n.channel,
    status: n.status,
    message: n.message,
    attempts: n.attempts,
    nextAttemptAt: n.nextAttemptAt,
    lastError: n.lastError,
    failureReason: n.failureReason,
    causationId: n.causationId,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    finishedAt: n.finishedAt,
  };
}
