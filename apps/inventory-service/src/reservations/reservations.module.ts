import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ProductsModule } from '../products/products.module';
import { ReleaseStockHandler } from './commands/release-stock/release-stock.handler';
import { ReserveStockHandler } from './commands/reserve-stock/reserve-stock.handler';
import { OrderEventsConsumer } from './consumers/order-events.consumer';
import { RESERVATION_MODEL, ReservationSchema } from './persistence/reservation.schema';
import { ReservationRepository } from './persistence/reservation.repository';
import { ReservationMetrics } from './reservation.metrics';

@Module({
  imports: [MongooseModule.forFeature([{ name: RESERVATION_MODEL, schema: ReservationSchema }]), ProductsModule],
  controllers: [OrderEventsConsumer],
  providers: [ReservationRepository, ReserveStockHandler, ReleaseStockHandler, ReservationMetrics],
})
export class ReservationsModule {}
