import { Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import { OrderError, orderNotFound, type Order } from '../../domain/order';
import { OrderRepository } from '../../persistence/order.repository';
import { OrderWorkflow } from '../order.workflow';

/** `POST /orders/{id}/cancel`: the customer, or staff with the cancel scope, ends an order. */
@Injectable()
export class CancelOrderHandler {
  constructor(
    private readonly orders: OrderRepository,
    private readonly workflow: OrderWorkflow,
    private readonly access: Access,
  ) {}

  /** The order, now CANCELLED (unchanged if it already was). */
  async execute(caller: Principal, id: string): Promise<Order> {
    const stored = await this.orders.find(id);
    if (!stored) throw orderNotFound(id);
    if (!this.access.mayCancelFor(caller, stored.order.customerId)) {
      // Someone who may not even see it learns nothing; staff who may see it learn the scope they lack.
      if (!this.access.mayRead(caller, stored.order.customerId)) throw orderNotFound(id);
      this.access.assertMayCancelAnyone(caller);
    }
    const { order, ignored } = await this.workflow.apply(id, { kind: 'cancel' });
    if (ignored) throw new OrderError('ORDER_NOT_CANCELLABLE', `order ${id} is ${order.status} and cannot be cancelled`);
    return order;
  }
}
