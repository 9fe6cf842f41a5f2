import { Injectable, Logger } from '@nestjs/common';
import { orderNotFound, type Order } from '../domain/order';
import { transition, type OrderInput } from '../domain/order.transitions';
import { orderEvent } from '../order.events';
import { OrderMetrics } from '../order.metrics';
import { OrderRepository } from '../persistence/order.repository';
import type { TimelineEntry } from '../persistence/order.schema';

/**
 * The event that caused an input, when it came from Kafka: for idempotency and the record.
 * Its timeline entry is written with the change it causes, in the same update.
 */
export interface Cause {
  eventId: string;
  type: string;
  entry: TimelineEntry;
}

/**
 * Applies an input to an order: read, decide with the pure state machine, write the new
 * state with its event in one conditional update, and start over if the order changed in
 * between. A redelivered event (already in `seenEvents`) changes nothing.
 */
@Injectable()
export class OrderWorkflow {
  private readonly logger = new Logger(OrderWorkflow.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly metrics: OrderMetrics,
  ) {}

  async apply(orderId: string, input: OrderInput, cause?: Cause): Promise<{ order: Order; changed: boolean; ignored?: string }> {
    for (;;) {
      const stored = await this.orders.find(orderId);
      if (!stored) throw orderNotFound(orderId);
      if (cause && stored.seenEvents.includes(cause.eventId)) return { order: stored.order, changed: false };

      const now = new Date();
      const result = transition(stored.order, input, now);
      if (result.outcome === 'unchanged' && !cause) return { order: stored.order, changed: false };
      if (result.outcome === 'applied') {
        const event = orderEvent(result.order, stored.order.status, cause?.eventId);
        if (await this.orders.update(result.order, stored, { event, cause })) {
          this.metrics.orderChanged(result.order, stored.order.status, now);
          this.logger.log(`order ${orderId}: ${stored.order.status} -> ${result.order.status} (${event.type} ${event.eventId})`);
          return { order: result.order, changed: true };
        }
        continue;
      }
      const reason = result.outcome === 'ignored' ? result.reason : 'already in that state';
      if (cause) {
        const ignored = { eventId: cause.eventId, type: cause.type, reason, at: now };
        if (!(await this.orders.update(stored.order, stored, { cause, ignored }))) continue;
        this.logger.warn(`order ${orderId}: ignored ${cause.type} ${cause.eventId}: ${reason}`);
      }
      return { order: stored.order, changed: false, ignored: reason };
    }
  }
}
