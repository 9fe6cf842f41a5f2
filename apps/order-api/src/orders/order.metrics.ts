import { Injectable } from '@nestjs/common';
import type { OrderStatus } from '@orderflow/contracts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Order } from './domain/order';
import { OrderRepository } from './persistence/order.repository';

/**
 * The order funnel on `/metrics`. Each counter moves once per order, when the write that
 * changes its state succeeds, so redeliveries and concurrent replicas do not count twice.
 */
@Injectable()
export class OrderMetrics {
  private readonly placed: Counter;
  private readonly confirmed: Counter;
  private readonly rejected: Counter<'reason'>;
  private readonly cancelled: Counter<'previous_status'>;
  private readonly settled: Histogram<'outcome'>;

  constructor(registry: Registry, orders: OrderRepository) {
    this.placed = new Counter({ name: 'orderflow_orders_placed_total', help: 'Orders accepted by POST /orders', registers: [registry] });
    this.confirmed = new Counter({
      name: 'orderflow_orders_confirmed_total',
      help: 'Orders confirmed after inventory reserved every line',
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'orderflow_orders_rejected_total',
      help: 'Orders rejected by inventory, by reason (OUT_OF_STOCK, UNKNOWN_SKU)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.cancelled = new Counter({
      name: 'orderflow_orders_cancelled_total',
      help: 'Orders cancelled, by the status they had before (PENDING, CONFIRMED)',
      labelNames: ['previous_status'],
      registers: [registry],
    });
    this.settled = new Histogram({
      name: 'orderflow_order_pending_duration_seconds',
      help: 'Time from an order being placed (PENDING) to its final status, by outcome (confirmed, rejected, cancelled)',
      labelNames: ['outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    // Read from the database at scrape time: an order stuck PENDING (a lost message, a
    // service down) shows here, whatever replica took it.
    let scan: ReturnType<OrderRepository['pending']> | undefined;
    const pending = () => (scan ??= orders.pending().finally(() => setImmediate(() => (scan = undefined))));
    new Gauge({
      name: 'orderflow_orders_pending',
      help: 'Orders currently PENDING',
      registers: [registry],
      async collect() {
        await pending()
          .then(({ count }) => this.set(count))
          .catch(() => undefined);
      },
    });
    new Gauge({
      name: 'orderflow_orders_pending_oldest_age_seconds',
      help: 'How long the oldest PENDING order has been waiting (0 when none is)',
      registers: [registry],
      async collect() {
        await pending()
          .then(({ oldest }) => this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0))
          .catch(() => undefined);
      },
    });
  }

  orderPlaced(): void {
    this.placed.inc();
  }

  /** `order` has just been written with its new status, having been `previous`. */
  orderChanged(order: Order, previous: OrderStatus, at: Date): void {
    switch (order.status) {
      case 'CONFIRMED':
        this.confirmed.inc();
        break;
      case 'REJECTED':
        this.rejected.inc({ reason: order.rejection?.reason ?? 'UNKNOWN' });
        break;
      case 'CANCELLED':
        this.cancelled.inc({ previous_status: previous });
        break;
      case 'PENDING':
        return;
    }
    if (previous === 'PENDING') {
      this.settled.observe({ outcome: order.status.toLowerCase() }, Math.max(0, at.getTime() - order.createdAt.getTime()) / 1000);
    }
  }
}
