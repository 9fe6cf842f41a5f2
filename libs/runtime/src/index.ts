export { serviceConfig, ServiceEnv } from './service-env.config';
export { ConfigError, loadConfig } from './config.loader';
export { EVENT_TRANSPORT, SERVICE_NAME } from './service.module';
export { bootstrapService } from './service.bootstrap';
