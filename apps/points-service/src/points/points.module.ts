import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AwardPointsHandler } from './commands/award-points/award-points.handler';
import { ReversePointsHandler } from './commands/reverse-points/reverse-points.handler';
import { OrderEventsConsumer } from './consumers/order-events.consumer';
import { CustomerPointsController } from './http/customer-points.controller';
import { LEDGER_MODEL, LedgerSchema } from './persistence/ledger.schema';
import { LedgerRepository } from './persistence/ledger.repository';
import { PointsMetrics } from './points.metrics';
import { CustomerPointsHandler } from './queries/customer-points/customer-points.handler';

@Module({
  imports: [MongooseModule.forFeature([{ name: LEDGER_MODEL, schema: LedgerSchema }])],
  controllers: [CustomerPointsController, OrderEventsConsumer],
  providers: [LedgerRepository, AwardPointsHandler, ReversePointsHandler, CustomerPointsHandler, PointsMetrics],
})
export class PointsModule {}
