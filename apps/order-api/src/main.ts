import './tracing';
import { bootstrapService } from '@orderflow/runtime';
import { AppModule } from './app.module';
import { OrderEnv } from './config/order-env.config';

bootstrapService({
  name: 'order-api',
  title: 'Orderflow order API',
  config: OrderEnv,
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`order-api: failed to start: ${error.message}\n`);
  process.exit(1);
});
