import { Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import { orderNotFound, type Order } from '../../domain/order';
import { OrderRepository } from '../../persistence/order.repository';

/**
 * `GET /orders/{id}`: the order, if the caller may see it. Another customer's order answers
 * 404 exactly like an unknown one: a 403 would confirm that the id exists (ids of keyed
 * orders are derived from the key, so they are not secret by construction).
 */
@Injectable()
export class GetOrderHandler {
  constructor(
    private readonly orders: OrderRepository,
    private readonly access: Access,
  ) {}

  async execute(caller: Principal, id: string): Promise<Order> {
    const stored = await this.orders.find(id);
    if (!stored || !this.access.mayRead(caller, stored.order.customerId)) throw orderNotFound(id);
    return stored.order;
  }
}
