import { authEnv } from '@orderflow/testing';

/**
 * Rate limits set explicitly far above what the suite's and the benchmark's own load
 * reaches, so they measure the pipeline and not the limiter (the limiter stays on; its own
 * tests use low limits, and the suite's external run meets the default ones).
 */
export const FAR_ABOVE_LOAD: Record<string, string> = {
  RATE_LIMIT_PER_CALLER: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_WINDOW_MS: '60000',
};

/**
 * What every service the suite (or the benchmark) starts needs besides the infrastructure:
 * trust in the local token issuer, and `limits` (`{}`: the services' own defaults).
 */
export function securityEnv(issuerUrl = process.env['TOKEN_ISSUER_URL'], limits = FAR_ABOVE_LOAD): Record<string, string> {
  if (!issuerUrl) throw new Error('TOKEN_ISSUER_URL is not set: the global setup starts the token issuer');
  return { ...authEnv(issuerUrl), ...limits };
}
