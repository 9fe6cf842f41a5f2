import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Registry } from 'prom-client';
import { OrderEnv } from '../config/order-env.config';
import { CancelOrderHandler } from './commands/cancel-order/cancel-order.handler';
import { OrderWorkflow } from './commands/order.workflow';
import { PlaceOrderHandler } from './commands/place-order/place-order.handler';
import { InventoryOutcomeConsumer } from './consumers/inventory-outcome.consumer';
import { OrderTimelineConsumer } from './consumers/order-timeline.consumer';
import { OrdersController } from './http/orders.controller';
import { OrderMetrics } from './order.metrics';
import { PendingTimeoutMetrics } from './pending-timeout/pending-timeout.metrics';
import { PendingTimeoutSweeper } from './pending-timeout/pending-timeout.sweeper';
import { ORDER_MODEL, OrderSchema } from './persistence/order.schema';
import { OrderRepository } from './persistence/order.repository';
import { GetOrderHandler } from './queries/get-order/get-order.handler';
import { ListOrdersHandler } from './queries/list-orders/list-orders.handler';
import { OrderTimelineHandler } from './queries/order-timeline/order-timeline.handler';

@Module({
  imports: [MongooseModule.forFeature([{ name: ORDER_MODEL, schema: OrderSchema }])],
  controllers: [OrdersController, InventoryOutcomeConsumer, OrderTimelineConsumer],
  providers: [
    OrderRepository,
    OrderWorkflow,
    PlaceOrderHandler,
    CancelOrderHandler,
    GetOrderHandler,
    ListOrdersHandler,
    OrderTimelineHandler,
    OrderMetrics,
    {
      provide: PendingTimeoutMetrics,
      inject: [Registry, OrderRepository, OrderEnv],
      useFactory: (registry: Registry, orders: OrderRepository, env: OrderEnv) =>
        new PendingTimeoutMetrics(registry, () => orders.countPendingSince(new Date(Date.now() - env.PENDING_TIMEOUT_MS))),
    },
    PendingTimeoutSweeper,
  ],
})
export class OrdersModule {}
