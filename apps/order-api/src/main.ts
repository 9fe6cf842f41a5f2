import './tracing';
import { bootstrapService, ServiceEnv } from '@orderflow/runtime';
import { AppModule } from './app.module';

bootstrapService({
  name: 'order-api',
  title: 'Orderflow order API',
  config: ServiceEnv,
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`order-api: failed to start: ${error.message}\n`);
  process.exit(1);
});
