import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingConfig, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoConfig, MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { SERVICE_NAME } from '@orderflow/runtime';
import { NotificationsModule } from './notifications/notifications.module';

@Module({
  imports: [
    MongoModule.forRootAsync({ inject: [MongoConfig], useFactory: (config: MongoConfig) => ({ config, database: 'notifications' }) }),
    MetricsModule,
    MessagingModule.forRootAsync({
      inject: [SERVICE_NAME, MessagingConfig],
      useFactory: (service: string, config: MessagingConfig) => ({ service, config }),
    }),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    // No domain errors reach HTTP here: the query API only validates its parameters.
    RestModule.forRoot({ errorStatuses: {} }),
    NotificationsModule,
  ],
})
export class AppModule {}
