import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoConfig, MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { ORDER_ERROR_STATUSES } from './orders/http/order-error.statuses';
import { OrdersModule } from './orders/orders.module';

@Module({
  imports: [
    MongoModule.forRootAsync({ inject: [MongoConfig], useFactory: (config: MongoConfig) => ({ config, database: 'orders' }) }),
    MetricsModule,
    MessagingModule.forRoot({ outboxCollections: ['orders'] }),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    RestModule.forRoot({ errorStatuses: ORDER_ERROR_STATUSES }),
    OrdersModule,
  ],
})
export class AppModule {}
