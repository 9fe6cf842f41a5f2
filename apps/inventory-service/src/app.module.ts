import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoModule, MongoReadiness } from '@orderflow/persistence';

@Module({
  imports: [
    MongoModule.forRoot({ database: 'inventory' }),
    MetricsModule,
    MessagingModule.forRoot({ outboxCollections: ['reservations'] }),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
  ],
})
export class AppModule {}
