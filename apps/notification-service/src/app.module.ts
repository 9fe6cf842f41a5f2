import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { NotificationsModule } from './notifications/notifications.module';

@Module({
  imports: [
    MongoModule.forRoot({ database: 'notifications' }),
    MetricsModule,
    MessagingModule.forRoot(),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    // No domain errors reach HTTP here: the query API only validates its parameters.
    RestModule.forRoot({ errorStatuses: {} }),
    NotificationsModule,
  ],
})
export class AppModule {}
