import { PointsMetrics } from './points.metrics';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AwardPointsHandler } from './award-points.handler';
import { CustomerPointsController } from './customer-points.controller';
import { LEDGER_MODEL, LedgerSchema } from './ledger.schema';
import { LedgerRepository } from './ledger.repository';
import { OrderEventsConsumer } from './order-events.consumer';
import { ReversePointsHandler } from './reverse-points.handler';

@Module({
  imports: [MongooseModule.forFeature([{ name: LEDGER_MODEL, schema: LedgerSchema }])],
  controllers: [CustomerPointsController, OrderEventsConsumer],
  providers: [LedgerRepository, AwardPointsHandler, ReversePointsHandler, PointsMetrics],
})
export class PointsModule {}
