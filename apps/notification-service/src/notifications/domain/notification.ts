import { nameBasedUuid } from '@orderflow/contracts';

/**
 * A notification as the domain sees it: one per (order, kind), rendered when the event
 * that causes it is recorded, then sent by the dispatcher. Plain data, no framework.
 */
export const NOTIFICATION_KINDS = ['ORDER_CONFIRMED', 'ORDER_REJECTED', 'ORDER_CANCELLED', 'POINTS_AWARDED', 'POINTS_REVERSED'] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** PENDING until the sender accepted it (SENT) or the dispatcher gave up on it (FAILED). */
export type NotificationStatus = 'PENDING' | 'SENT' | 'FAILED';

/** The only channel there is; the sender decides how an "email" actually travels. */
export const EMAIL = 'email';

export interface Notification {
  /** Public id (UUID), derived from the order and kind so a replay yields the same one. */
  id: string;
  orderId: string;
  customerId: string;
  kind: NotificationKind;
  channel: string;
  status: NotificationStatus;
  message: string;
  /** Send attempts started so far (a crash mid-send counts as one). */
  attempts: number;
  /** When the dispatcher may next try; while an attempt runs, when its claim runs out. */
  nextAttemptAt: Date;
  /** Why the last attempt failed; null if none did. */
  lastError: string | null;
  /** Why the notification ended as FAILED; null otherwise. */
  failureReason: string | null;
  /** The event that caused this notification. */
  causationId: string;
  createdAt: Date;
  updatedAt: Date;
  /** When it became SENT or FAILED. */
  finishedAt: Date | null;
}

/**
 * Kinds that come about together for one order, on two topics within moments of each other:
 * a confirmation and the points it earns, a cancellation and their reversal.
 */
export const COMPANION_OF: Partial<Record<NotificationKind, NotificationKind>> = {
  ORDER_CONFIRMED: 'POINTS_AWARDED',
  POINTS_AWARDED: 'ORDER_CONFIRMED',
  ORDER_CANCELLED: 'POINTS_REVERSED',
  POINTS_REVERSED: 'ORDER_CANCELLED',
};

/** A notification's name: there is at most one per order and kind. */
export const notificationKey = (orderId: string, kind: NotificationKind): string => `${orderId}:${kind}`;

// Fixed namespace of the name-based ids below; changing it would change every id.
const NAMESPACE = '6f1c2a7e-5b3d-4e8f-9a0b-1c2d3e4f5a6b';

/**
 * A name-based UUID (RFC 9562, version 5) of the order and kind: the same notification
 * always has the same id, whichever replica records it and however often.
 */
export function notificationId(orderId: string, kind: NotificationKind): string {
  return nameBasedUuid(NAMESPACE, notificationKey(orderId, kind));
}

/** A notification as it is first recorded: pending and due at once. */
export function newNotification(init: {
  orderId: string;
  customerId: string;
  kind: NotificationKind;
  message: string;
  causationId: string;
  at: Date;
}): Notification {
  return {
    id: notificationId(init.orderId, init.kind),
    orderId: init.orderId,
    customerId: init.customerId,
    kind: init.kind,
    channel: EMAIL,
    status: 'PENDING',
    message: init.message,
    attempts: 0,
    nextAttemptAt: init.at,
    lastError: null,
    failureReason: null,
    causationId: init.causationId,
    createdAt: init.at,
    updatedAt: init.at,
    finishedAt: null,
  };
}
