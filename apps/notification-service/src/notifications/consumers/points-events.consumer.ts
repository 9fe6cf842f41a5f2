import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventContext } from '@orderflow/messaging';
import {
  PointsAwardedSchema,
  PointsReversedSchema,
  type DecodedEvent,
  type PointsAwarded,
  type PointsReversed,
} from '@orderflow/contracts';
import { RecordNotificationHandler } from '../commands/record-notification/record-notification.handler';

/** Awarded and reversed points each get their notification. */
@Controller()
export class PointsEventsConsumer {
  constructor(private readonly record: RecordNotificationHandler) {}

  @EventPattern(PointsAwardedSchema.typeName)
  async awarded(@Payload() event: DecodedEvent<PointsAwarded>, @Ctx() context: EventContext): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: {
        kind: 'POINTS_AWARDED',
        orderId: message.orderId,
        points: message.points,
        orderTotal: message.orderTotal,
        currency: message.currency,
      },
      eventId: event.meta.eventId,
      settleLater: (effect) => context.settleLater(effect),
    });
  }

  @EventPattern(PointsReversedSchema.typeName)
  async reversed(@Payload() event: DecodedEvent<PointsReversed>, @Ctx() context: EventContext): Promise<void> {
    const { message } = event;
    await this.record.execute({
      customerId: message.customerId,
      facts: { kind: 'POINTS_REVERSED', orderId: message.orderId, points: message.points },
      eventId: event.meta.eventId,
      settleLater: (effect) => context.settleLater(effect),
    });
  }
}
