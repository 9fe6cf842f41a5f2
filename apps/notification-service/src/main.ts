import { bootstrapService, ServiceEnv } from '@orderflow/runtime';
import { AppModule } from './app.module';

bootstrapService({
  name: 'notification-service',
  title: 'Orderflow notification service',
  config: ServiceEnv,
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`notification-service: failed to start: ${error.message}\n`);
  process.exit(1);
});
