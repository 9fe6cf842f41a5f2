import { AuthConfig } from '@orderflow/auth';
import { envInteger, wholeNumberOf, type ConfigClass } from '@orderflow/config';
import { LogConfig } from '@orderflow/observability';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/**
 * The variables runtime reads itself: the HTTP server and how the process stops. Values come
 * only from the environment: there are no silent defaults for where a service listens or
 * where the infrastructure lives, so a mis-deployed pod stops at once.
 */
export class RuntimeConfig {
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number from 1 to 65535' })
  @Min(1, { message: 'must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'must be a whole number from 1 to 65535' })
  PORT!: number;

  /** How long a graceful shutdown may take before the process gives up. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(0, { message: 'must be a whole number of milliseconds' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Browser origins allowed to call the API (comma-separated); unset means no cross-origin calls. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, { message: 'must be a comma-separated list of http(s) origins' })
  CORS_ORIGINS?: string;

  /** How long a request may take to arrive and to be answered before it is cut off. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt(wholeNumberOf('milliseconds', 1000))
  @Min(1000, wholeNumberOf('milliseconds', 1000))
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Proxies in front of the service whose X-Forwarded-For is believed (per-IP limits need the client's address). */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of proxy hops from 0 to 10' })
  @Min(0, { message: 'must be a whole number of proxy hops from 0 to 10' })
  @Max(10, { message: 'must be a whole number of proxy hops from 0 to 10' })
  TRUST_PROXY_HOPS = 0;
}

/**
 * Every config class a service validates at start: runtime's own and those of the modules it
 * sets up itself (logs, auth) around the app's (the libs' its modules configure, then its
 * own). Runtime's first and auth's last keep the report of an empty environment as it was:
 * PORT, KAFKA_BROKERS, MONGODB_URI, then the AUTH_* variables.
 */
export const serviceConfig = (appConfig: readonly ConfigClass[]): ConfigClass[] => [RuntimeConfig, LogConfig, ...appConfig, AuthConfig];
