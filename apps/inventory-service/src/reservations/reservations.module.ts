import { ReservationMetrics } from './reservation.metrics';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ProductsModule } from '../products/products.module';
import { OrderEventsConsumer } from './order-events.consumer';
import { ReleaseStockHandler } from './release-stock.handler';
import { RESERVATION_MODEL, ReservationSchema } from './reservation.schema';
import { ReservationRepository } from './reservation.repository';
import { ReserveStockHandler } from './reserve-stock.handler';

@Module({
  imports: [MongooseModule.forFeature([{ name: RESERVATION_MODEL, schema: ReservationSchema }]), ProductsModule],
  controllers: [OrderEventsConsumer],
  providers: [ReservationRepository, ReserveStockHandler, ReleaseStockHandler, ReservationMetrics],
})
export class ReservationsModule {}
