import './tracing';
import { bootstrapService } from '@orderflow/runtime';
import { AppModule } from './app.module';
import { INVENTORY_SERVICE_CONFIG } from './config/inventory-env.config';

bootstrapService({
  name: 'inventory-service',
  title: 'Orderflow inventory service',
  config: INVENTORY_SERVICE_CONFIG,
  module: AppModule,
}).catch((error: Error) => {
  process.stderr.write(`inventory-service: failed to start: ${error.message}\n`);
  process.exit(1);
});
