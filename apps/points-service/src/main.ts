import './tracing';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { bootstrapService } from '@orderflow/runtime';
import { AppModule } from './app.module';

bootstrapService({
  name: 'points-service',
  title: 'Orderflow points service',
  config: [MessagingConfig, MongoConfig],
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`points-service: failed to start: ${error.message}\n`);
  process.exit(1);
});
