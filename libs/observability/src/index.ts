export { HealthModule } from './health.module';
export { MetricsModule } from './metrics.module';
export { type ReadinessProbe } from './readiness.probe';
