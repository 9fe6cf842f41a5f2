import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  OrderCancelledSchema,
  OrderConfirmedSchema,
  decodeOrderRejectionReason,
  OrderRejectedSchema,
  type DecodedEvent,
  type OrderCancelled,
  type OrderConfirmed,
  type OrderRejected,
} from '@orderflow/contracts';
import { RecordNotificationHandler } from '../commands/record-notification/record-notification.handler';

/** Confirmed, rejected and cancelled orders each get their notification. */
@Controller()
export class OrderEventsConsumer {
  constructor(private readonly record: RecordNotificationHandler) {}

  @EventPattern(OrderConfirmedSchema.typeName)
  async confirmed(@Payload() event: DecodedEvent<OrderConfirmed>): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: { kind: 'ORDER_CONFIRMED', orderId: message.orderId, total: message.total, currency: message.currency },
      eventId: event.meta.eventId,
    });
  }

  @EventPattern(OrderRejectedSchema.typeName)
  async rejected(@Payload() event: DecodedEvent<OrderRejected>): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: {
        kind: 'ORDER_REJECTED',
        orderId: message.orderId,
        reason: decodeOrderRejectionReason(message.reason),
        skus: [...message.skus],
      },
      eventId: event.meta.eventId,
    });
  }

  @EventPattern(OrderCancelledSchema.typeName)
  async cancelled(@Payload() event: DecodedEvent<OrderCancelled>): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: { kind: 'ORDER_CANCELLED', orderId: message.orderId, total: message.total ?? null, currency: message.currency },
      eventId: event.meta.eventId,
    });
  }
}
