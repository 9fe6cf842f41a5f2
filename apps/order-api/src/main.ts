import './tracing';
import { bootstrapService } from '@orderflow/runtime';
import { AppModule } from './app.module';
import { ORDER_API_CONFIG } from './config/order-env.config';

bootstrapService({
  name: 'order-api',
  title: 'Orderflow order API',
  config: ORDER_API_CONFIG,
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`order-api: failed to start: ${error.message}\n`);
  process.exit(1);
});
