import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InventoryOutcomeConsumer } from './inventory-outcome/inventory-outcome.consumer';
import { ORDER_MODEL, OrderSchema } from './order.schema';
import { OrderMetrics } from './order.metrics';
import { OrderRepository } from './order.repository';
import { OrderWorkflow } from './order.workflow';
import { OrdersController } from './orders.controller';
import { PlaceOrderHandler } from './place-order/place-order.handler';
import { OrderTimelineConsumer } from './timeline/order-timeline.consumer';
import { OrderEnv } from '../config/order-env.config';
import { PendingTimeoutMetrics } from './pending-timeout/pending-timeout.metrics';
import { PendingTimeoutSweeper } from './pending-timeout/pending-timeout.sweeper';
import { Registry } from 'prom-client';

@Module({
  imports: [MongooseModule.forFeature([{ name: ORDER_MODEL, schema: OrderSchema }])],
  controllers: [OrdersController, InventoryOutcomeConsumer, OrderTimelineConsumer],
  providers: [
    OrderRepository,
    OrderWorkflow,
    PlaceOrderHandler,
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
