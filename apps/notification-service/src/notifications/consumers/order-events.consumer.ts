import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventContext } from '@orderflow/messaging';
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
  async confirmed(@Payload() event: DecodedEvent<OrderConfirmed>, @Ctx() context: EventContext): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: { kind: 'ORDER_CONFIRMED', orderId: message.orderId, total: message.total, currency: message.currency },
      eventId: event.meta.eventId,
      settleLater: (effect) => context.settleLater(effect),
    });
  }

  @EventPattern(OrderRejectedSchema.typeName)
  async rejected(@Payload() event: DecodedEvent<OrderRejected>, @Ctx() context: EventContext): Promise<void> {
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
      settleLater: (effect) => context.settleLater(effect),
    });
  }

  @EventPattern(OrderCancelledSchema.typeName)
  async cancelled(@Payload() event: DecodedEvent<OrderCancelled>, @Ctx() context: EventContext): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: { kind: 'ORDER_CANCELLED', orderId: message.orderId, total: message.total ?? null, currency: message.currency },
      eventId: event.meta.eventId,
      settleLater: (effect) => context.settleLater(effect),
    });
  }
}
