import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingConfig, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoConfig, MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { SERVICE_NAME } from '@orderflow/runtime';
import { ORDER_ERROR_STATUSES } from './orders/http/order-error.statuses';
import { OrdersModule } from './orders/orders.module';

@Module({
  imports: [
    MongoModule.forRootAsync({ inject: [MongoConfig], useFactory: (config: MongoConfig) => ({ config, database: 'orders' }) }),
    MetricsModule,
    MessagingModule.forRootAsync({
      inject: [SERVICE_NAME, MessagingConfig],
      useFactory: (service: string, config: MessagingConfig) => ({ service, config }),
    }),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    RestModule.forRoot({ errorStatuses: ORDER_ERROR_STATUSES }),
    OrdersModule,
  ],
})
export class AppModule {}
