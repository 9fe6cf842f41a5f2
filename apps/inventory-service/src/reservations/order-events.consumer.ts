import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  OrderCancelledSchema,
  OrderCreatedSchema,
  type DecodedEvent,
  type OrderCancelled,
  type OrderCreated,
} from '@orderflow/contracts';
import { ReleaseStockHandler } from './release-stock.handler';
import { ReserveStockHandler } from './reserve-stock.handler';

/** New orders reserve stock; cancelled orders give it back. */
@Controller()
export class OrderEventsConsumer {
  constructor(
    private readonly reserve: ReserveStockHandler,
    private readonly release: ReleaseStockHandler,
  ) {}

  @EventPattern(OrderCreatedSchema.typeName)
  async created(@Payload() event: DecodedEvent<OrderCreated>): Promise<void> {
    const { message } = event;
    await this.reserve.execute({
      orderId: message.orderId,
      lines: message.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      currency: message.currency,
      eventId: event.meta.eventId,
    });
  }

  @EventPattern(OrderCancelledSchema.typeName)
  async cancelled(@Payload() event: DecodedEvent<OrderCancelled>): Promise<void> {
    const { message } = event;
    await this.release.execute({
      orderId: message.orderId,
      lines: message.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      currency: message.currency,
      eventId: event.meta.eventId,
    });
  }
}
