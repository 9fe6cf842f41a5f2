import './tracing';
import { bootstrapService } from '@orderflow/runtime';
import { AppModule } from './app.module';
import { NOTIFICATION_SERVICE_CONFIG } from './config/notification-env.config';

bootstrapService({
  name: 'notification-service',
  title: 'Orderflow notification service',
  config: NOTIFICATION_SERVICE_CONFIG,
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`notification-service: failed to start: ${error.message}\n`);
  process.exit(1);
});
