import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { PointsModule } from './points/points.module';

@Module({
  imports: [
    MongoModule.forRoot({ database: 'points' }),
    MetricsModule,
    MessagingModule.forRoot(),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    // No domain error reaches HTTP here: the one route answers 200 or a validation 400.
    RestModule.forRoot({ errorStatuses: {} }),
    PointsModule,
  ],
})
export class AppModule {}
