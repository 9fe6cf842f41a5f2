import type { AuthOptions } from '@orderflow/auth';
import type { ServiceEnv } from './service-env.config';

/** The auth and rate-limit settings of a validated environment. */
export function authOptionsOf(env: ServiceEnv): AuthOptions {
  return {
    disabled: env.AUTH_DISABLED === 'true',
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    customerClaim: env.AUTH_CUSTOMER_CLAIM,
    clockToleranceSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
    scopes: {
      staffRead: env.AUTH_SCOPE_STAFF_READ,
      staffCancel: env.AUTH_SCOPE_STAFF_CANCEL,
      inventoryAdmin: env.AUTH_SCOPE_INVENTORY_ADMIN,
    },
    metrics: env.METRICS_ACCESS,
    docs: env.DOCS_ACCESS,
    rateLimit: { windowMs: env.RATE_LIMIT_WINDOW_MS, perCaller: env.RATE_LIMIT_PER_CALLER, perIp: env.RATE_LIMIT_PER_IP },
  };
}
