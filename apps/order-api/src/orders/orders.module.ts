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

@Module({
  imports: [MongooseModule.forFeature([{ name: ORDER_MODEL, schema: OrderSchema }])],
  controllers: [OrdersController, InventoryOutcomeConsumer, OrderTimelineConsumer],
  providers: [OrderRepository, OrderWorkflow, PlaceOrderHandler, OrderMetrics],
})
export class OrdersModule {}
