import { Module } from '@nestjs/common';
import { KafkaReadiness, MessagingConfig, MessagingModule } from '@orderflow/messaging';
import { HealthModule, MetricsModule } from '@orderflow/observability';
import { MongoConfig, MongoModule, MongoReadiness } from '@orderflow/persistence';
import { RestModule } from '@orderflow/rest';
import { SERVICE_NAME } from '@orderflow/runtime';
import { PRODUCT_ERROR_STATUSES } from './products/http/product-error.statuses';
import { ProductsModule } from './products/products.module';
import { ReservationsModule } from './reservations/reservations.module';

@Module({
  imports: [
    MongoModule.forRootAsync({ inject: [MongoConfig], useFactory: (config: MongoConfig) => ({ config, database: 'inventory' }) }),
    MetricsModule,
    MessagingModule.forRootAsync({
      inject: [SERVICE_NAME, MessagingConfig],
      useFactory: (service: string, config: MessagingConfig) => ({ service, config }),
    }),
    HealthModule.forRoot([MongoReadiness, KafkaReadiness]),
    RestModule.forRoot({ errorStatuses: PRODUCT_ERROR_STATUSES }),
    ProductsModule,
    ReservationsModule,
  ],
})
export class AppModule {}
