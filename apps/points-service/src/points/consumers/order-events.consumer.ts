import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  OrderCancelledSchema,
  OrderConfirmedSchema,
  type DecodedEvent,
  type OrderCancelled,
  type OrderConfirmed,
} from '@orderflow/contracts';
import { PermanentEventError, requireCustomerId, requireOrderId } from '@orderflow/messaging';
import { PointsRuleError } from '../domain/points.rules';
import { AwardPointsHandler } from '../commands/award-points/award-points.handler';
import { ReversePointsHandler } from '../commands/reverse-points/reverse-points.handler';

/** Confirmed orders earn points; cancelled orders give back what they earned. */
@Controller()
export class OrderEventsConsumer {
  constructor(
    private readonly award: AwardPointsHandler,
    private readonly reverse: ReversePointsHandler,
  ) {}

  @EventPattern(OrderConfirmedSchema.typeName)
  async confirmed(@Payload() event: DecodedEvent<OrderConfirmed>): Promise<void> {
    const { message } = event;
    checkIds(message);
    try {
      await this.award.execute({
        customerId: message.customerId,
        orderId: message.orderId,
        total: message.total,
        currency: message.currency,
        eventId: event.meta.eventId,
      });
    } catch (error) {
      // A negative or absurd total stays wrong however often it is retried: park it.
      if (error instanceof PointsRuleError) throw new PermanentEventError(error.code, error.message);
      throw error;
    }
  }

  @EventPattern(OrderCancelledSchema.typeName)
  async cancelled(@Payload() event: DecodedEvent<OrderCancelled>): Promise<void> {
    const { message } = event;
    checkIds(message);
    await this.reverse.execute({ customerId: message.customerId, orderId: message.orderId, eventId: event.meta.eventId });
  }
}

/** Ids become a document id and map keys; ones outside the contract can never be stored. */
function checkIds(message: { orderId: string; customerId: string }): void {
  requireCustomerId(message.customerId, requireOrderId(message.orderId));
}
