import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingConfig, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoConfig, MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { SERVICE_NAME } from '@orderflow/runtime';
import { PointsModule } from './points/points.module';

@Module({
  imports: [
    MongoModule.forRootAsync({ inject: [MongoConfig], useFactory: (config: MongoConfig) => ({ config, database: 'points' }) }),
    MetricsModule,
    MessagingModule.forRootAsync({
      inject: [SERVICE_NAME, MessagingConfig],
      useFactory: (service: string, config: MessagingConfig) => ({ service, config }),
    }),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    // No domain error reaches HTTP here: the one route answers 200 or a validation 400.
    RestModule.forRoot({ errorStatuses: {} }),
    PointsModule,
  ],
})
export class AppModule {}
