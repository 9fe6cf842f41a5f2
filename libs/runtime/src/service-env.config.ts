import { AuthConfig } from '@orderflow/auth';
import { Transform } from 'class-transformer';
import type { ConfigClass } from './config.loader';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

const whole = (what: string, min: number) => ({ message: `must be a whole number of ${what}, at least ${min}` });

/**
 * The environment every Orderflow service needs. Apps extend it with their own variables.
 * Values come only from the environment: there are no silent defaults for where the
 * infrastructure lives, so a mis-deployed pod stops at once instead of talking to localhost.
 */
export class ServiceEnv {
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 65535' })
  @Min(1, { message: 'must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'must be a whole number from 1 to 65535' })
  PORT!: number;

  /** How long a graceful shutdown may take before the process gives up. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(0, { message: 'must be a whole number of milliseconds' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'must be one of error, warn, log, debug, verbose',
  })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Unset: human-readable on a terminal, one JSON object per line otherwise. */
  @IsOptional()
  @IsIn(['text', 'json'], { message: 'must be text or json' })
  LOG_FORMAT?: 'text' | 'json';

  /** Browser origins allowed to call the API (comma-separated); unset means no cross-origin calls. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, { message: 'must be a comma-separated list of http(s) origins' })
  CORS_ORIGINS?: string;

  /** How long a request may take to arrive and to be answered before it is cut off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt(whole('milliseconds', 1000))
  @Min(1000, whole('milliseconds', 1000))
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Proxies in front of the service whose X-Forwarded-For is believed (per-IP limits need the client's address). */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of proxy hops from 0 to 10' })
  @Min(0, { message: 'must be a whole number of proxy hops from 0 to 10' })
  @Max(10, { message: 'must be a whole number of proxy hops from 0 to 10' })
  TRUST_PROXY_HOPS = 0;
}

/**
 * Every config class a service validates at start: runtime's own around the app's (the libs'
 * its modules configure, then its own variables), in this order so the report of a bad
 * environment names the variables in the order the README lists them.
 */
export const serviceConfig = (appConfig: readonly ConfigClass[]): ConfigClass[] => [ServiceEnv, ...appConfig, AuthConfig];
