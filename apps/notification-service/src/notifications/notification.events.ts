import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { nameBasedUuid, NotificationKind as Kind, NotificationSentSchema, NotificationStatus as Status } from '@orderflow/contracts';
import { encodeForOutbox } from '@orderflow/messaging';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Notification, NotificationKind } from './domain/notification';

const KINDS: Record<NotificationKind, Kind> = {
  ORDER_CONFIRMED: Kind.ORDER_CONFIRMED,
  ORDER_REJECTED: Kind.ORDER_REJECTED,
  ORDER_CANCELLED: Kind.ORDER_CANCELLED,
  POINTS_AWARDED: Kind.POINTS_AWARDED,
  POINTS_REVERSED: Kind.POINTS_REVERSED,
};

// Fixed namespace of the outcome events' ids below; changing it would change every id.
const NAMESPACE = '2d7b9e41-8c3a-4f6e-b1d5-7a9c0e3f2b18';

/**
 * `NotificationSent`: the outcome of a notification, SENT or FAILED, caused by the event that
 * asked for it. Its id is derived from the notification and the outcome, so an outcome
 * published again (after a crash before it was stored) is the same event, which consumers drop.
 */
export function sentEvent(notification: Notification, status: 'SENT' | 'FAILED', at: Date): OutboxMessage {
  return encodeForOutbox(
    NotificationSentSchema,
    {
      notificationId: notification.id,
      orderId: notification.orderId,
      customerId: notification.customerId,
      kind: KINDS[notification.kind],
      channel: notification.channel,
      status: status === 'SENT' ? Status.SENT : Status.FAILED,
      sentAt: timestampFromDate(at),
    },
    {
      producer: 'notification-service',
      eventId: nameBasedUuid(NAMESPACE, `${notification.id}:${status}`),
      occurredAt: at,
      causationId: notification.causationId,
    },
  );
}
