import './tracing';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { bootstrapService } from '@orderflow/runtime';
import { AppModule } from './app.module';

bootstrapService({
  name: 'inventory-service',
  title: 'Orderflow inventory service',
  config: [MessagingConfig, MongoConfig],
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`inventory-service: failed to start: ${error.message}\n`);
  process.exit(1);
});
