import { Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import { orderNotFound, type TimelineEvent } from '../../domain/order';
import { OrderRepository } from '../../persistence/order.repository';

/** `GET /orders/{id}/timeline`: every event of an order, oldest first, visible as the order is. */
@Injectable()
export class OrderTimelineHandler {
  constructor(
    private readonly orders: OrderRepository,
    private readonly access: Access,
  ) {}

  async execute(caller: Principal, id: string): Promise<TimelineEvent[]> {
    const timeline = await this.orders.timeline(id);
    if (!timeline || !this.access.mayRead(caller, timeline.customerId)) throw orderNotFound(id);
    return timeline.entries;
  }
}
