import { Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import { randomUUID } from 'node:crypto';
import { asPlaced, newOrder, OrderError, type Order } from '../../domain/order';
import { orderEvent } from '../../order.events';
import { OrderMetrics } from '../../order.metrics';
import { OrderRepository } from '../../persistence/order.repository';
import { markOrder } from '@orderflow/messaging';
import { orderIdForKey, requestFingerprint } from './idempotency-key';
import { OrderEnv } from '../../../config/order-env.config';

/** What placing an order needs: the validated body of `POST /orders`. */
export interface PlaceOrderCommand {
  customerId: string;
  items: { sku: string; quantity: number }[];
}

export interface PlacedOrder {
  order: Order;
  /** True when this answers a repeat of an earlier request with the same key. */
  replayed: boolean;
}

/**
 * Stores a new `PENDING` order and its `OrderCreated` event in one insert (transactional
 * outbox). With an idempotency key the order id is derived from the key, so a repeat finds
 * the first request's order instead of creating another.
 */
@Injectable()
export class PlaceOrderHandler {
  constructor(
    private readonly orders: OrderRepository,
    private readonly env: OrderEnv,
    private readonly metrics: OrderMetrics,
    private readonly access: Access,
  ) {}

  /** Only in the caller's own name; the caller also scopes the idempotency key. */
  async execute(caller: Principal, request: PlaceOrderCommand, idempotencyKey?: string): Promise<PlacedOrder> {
    this.access.assertActsAs(caller, request.customerId);
    const scope = caller.customerId ?? request.customerId;
    const id = idempotencyKey === undefined ? randomUUID() : orderIdForKey(scope, idempotencyKey);
    markOrder(id);
    const fingerprint = requestFingerprint(request);
    const order = newOrder({ id, customerId: request.customerId, lines: request.items, currency: this.env.CURRENCY, at: new Date() });
    const idempotency = idempotencyKey === undefined ? null : { key: idempotencyKey, fingerprint };
    if (await this.orders.insert(order, orderEvent(order, null), idempotency)) {
      this.metrics.orderPlaced();
      return { order, replayed: false };
    }

    const existing = await this.orders.find(id);
    if (!existing) {
      throw new OrderError('IDEMPOTENCY_KEY_IN_USE', 'a request with this Idempotency-Key is still being processed; retry shortly');
    }
    if (existing.idempotency?.key !== idempotencyKey || existing.idempotency?.fingerprint !== fingerprint) {
      throw new OrderError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request body');
    }
    return { order: asPlaced(existing.order), replayed: true };
  }
}
