import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  OrderCancelledSchema,
  OrderCreatedSchema,
  OrderRejectedSchema,
  OrderRejectionReason,
  type DecodedEvent,
  type OrderCancelled,
  type OrderCreated,
  type OrderRejected,
} from '@orderflow/contracts';
import { EventContext, requireOrderId } from '@orderflow/messaging';
import { InventoryEnv } from '../../config/inventory-env.config';
import { ReleaseStockHandler } from '../commands/release-stock/release-stock.handler';
import { ReserveStockHandler } from '../commands/reserve-stock/reserve-stock.handler';

/**
 * New orders reserve stock; cancelled orders, and orders order-api ended because no answer
 * came in time (ADR 0004), give it back. The order id names the reservation document and the
 * products' holds (`holds.<orderId>`), so an event whose id is not a UUID is dead-lettered.
 */
@Controller()
export class OrderEventsConsumer {
  constructor(
    private readonly reserve: ReserveStockHandler,
    private readonly release: ReleaseStockHandler,
    private readonly env: InventoryEnv,
  ) {}

  @EventPattern(OrderCreatedSchema.typeName)
  async created(@Payload() event: DecodedEvent<OrderCreated>, @Ctx() context: EventContext): Promise<void> {
    const { message } = event;
    await this.reserve.execute({
      orderId: requireOrderId(message.orderId),
      lines: message.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      currency: message.currency,
      eventId: event.meta.eventId,
      settleLater: (effect) => context.settleLater(effect),
    });
  }

  @EventPattern(OrderCancelledSchema.typeName)
  async cancelled(@Payload() event: DecodedEvent<OrderCancelled>): Promise<void> {
    const { message } = event;
    await this.release.execute({
      orderId: requireOrderId(message.orderId),
      lines: message.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      currency: message.currency,
      eventId: event.meta.eventId,
    });
  }

  /**
   * Other rejections repeat what inventory itself decided. A TIMEOUT is order-api giving up
   * on an answer: whatever this order holds, or reserves later (its OrderCreated comes first
   * on the partition), goes back, exactly as for a cancel.
   */
  @EventPattern(OrderRejectedSchema.typeName)
  async rejected(@Payload() event: DecodedEvent<OrderRejected>): Promise<void> {
    const { message } = event;
    if (message.reason !== OrderRejectionReason.TIMEOUT) return;
    // A rejection carries no currency; a deployment has one (the reservation's wins if any).
    await this.release.execute({
      orderId: requireOrderId(message.orderId),
      lines: [],
      currency: this.env.CURRENCY,
      eventId: event.meta.eventId,
    });
  }
}
