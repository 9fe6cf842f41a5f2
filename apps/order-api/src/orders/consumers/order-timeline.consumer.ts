import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { DecodedEvent } from '@orderflow/contracts';
import { ANY_EVENT, EventContext } from '@orderflow/messaging';
import { OrderRepository } from '../persistence/order.repository';
import { RECORDED_WITH_THEIR_CHANGE } from './inventory-outcome.consumer';
import { timelineEntryOf } from './timeline.entry';

/**
 * Every event of every topic order-api reads (the other services') lands in its order's
 * timeline, keyed by event id, so redeliveries and replays add nothing. order-api's own
 * events, and the inventory answers that change an order, are put there by the write that
 * stores the change; every other event here is written by this consumer.
 *
 * An order's points and notification events come within moments of each other, on two
 * topics: the handler does not wait for its write, which gathers the entries of the next
 * moments into one update per order (`OrderRepository.recordInTimeline`), and the consumer
 * commits the event only once that update is stored (`settleLater`).
 */
@Controller()
export class OrderTimelineConsumer {
  private readonly logger = new Logger(OrderTimelineConsumer.name);

  constructor(private readonly orders: OrderRepository) {}

  @EventPattern(ANY_EVENT)
  record(@Payload() event: DecodedEvent, @Ctx() context: EventContext): void {
    if (RECORDED_WITH_THEIR_CHANGE.has(event.type)) return;
    const entry = timelineEntryOf(event);
    const recorded = this.orders.recordInTimeline(event.message.orderId, event.meta.eventId, entry).then((known) => {
      if (!known) {
        this.logger.warn(`order ${event.message.orderId}: ${entry.type} ${event.meta.eventId} is for an order this service does not have`);
      }
    });
    context.settleLater(recorded);
  }
}
