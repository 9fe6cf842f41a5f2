export { RuntimeConfig, serviceConfig } from './runtime.config';

export { EVENT_TRANSPORT, SERVICE_NAME } from './service.module';
export { bootstrapService } from './service.bootstrap';
