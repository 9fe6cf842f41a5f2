import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_ID } from '@orderflow/contracts';
import { NOTIFICATION_KINDS, type Notification } from '../domain/notification';

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ pattern: CUSTOMER_ID.source }) customerId!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty({ example: 'email' }) channel!: string;
  @ApiProperty({ enum: ['PENDING', 'SENT', 'FAILED'], description: 'PENDING while it is still being sent (or retried)' })
  status!: string;
  @ApiProperty({ description: 'the text the customer receives' }) message!: string;
  @ApiProperty({ format: 'date-time', description: 'when it was sent or failed; when it was recorded while PENDING' }) at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'that it could not be delivered, when FAILED; null otherwise' }) reason!:
    | string
    | null;
}

export class NotificationListResponse {
  @ApiProperty({ type: [NotificationResponse] }) items!: NotificationResponse[];
}

/** The public shape of a notification: a whitelist, so delivery bookkeeping stays inside. */
export function toNotificationResponse(notification: Notification): NotificationResponse {
  return {
    id: notification.id,
    orderId: notification.orderId,
    customerId: notification.customerId,
    kind: notification.kind,
    channel: notification.channel,
    status: notification.status,
    message: notification.message,
    at: (notification.finishedAt ?? notification.createdAt).toISOString(),
    // What the channel answered (addresses, status lines) is for operators: it is in the
    // service's log and the stored notification, not in a customer's answer.
    reason: notification.status === 'FAILED' ? 'The message could not be delivered.' : null,
  };
}
