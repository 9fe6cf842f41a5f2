import { Transform } from 'class-transformer';
import type { ConfigClass } from './config.loader';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/** Needed unless authentication is explicitly disabled. */
const unlessAuthDisabled = ValidateIf((env: ServiceEnv) => env.AUTH_DISABLED !== 'true');

/** A scope name as OAuth 2.0 allows it (RFC 6749 §3.3): visible ASCII but `"` and `\\`. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const SCOPE_MESSAGE = { message: 'must be one OAuth scope name (visible ASCII, no spaces, quotes or backslashes)' };

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

  /**
   * Authentication can only be switched off by saying so; the service then logs it loudly.
   * Everything below it describes the token issuer the service trusts.
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  AUTH_DISABLED: 'true' | 'false' = 'false';

  /** The issuer's JSON Web Key Set, e.g. https://issuer.example.com/.well-known/jwks.json. */
  @unlessAuthDisabled
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http:// or https:// URL' })
  AUTH_JWKS_URL!: string;

  /** The `iss` every token must carry. */
  @unlessAuthDisabled
  @IsString()
  @MinLength(1)
  AUTH_ISSUER!: string;

  /** The `aud` every token must include. */
  @unlessAuthDisabled
  @IsString()
  @MinLength(1)
  AUTH_AUDIENCE!: string;

  /** The claim naming the customer the caller acts as. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:/-]{1,128}$/, { message: 'must be a claim name' })
  AUTH_CUSTOMER_CLAIM = 'sub';

  /** Leeway for token times between the issuer's clock and ours. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 0 to 300' })
  @Min(0, { message: 'must be a whole number of seconds from 0 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 0 to 300' })
  AUTH_CLOCK_SKEW_SECONDS = 30;

  @IsOptional()
  @Matches(SCOPE, SCOPE_MESSAGE)
  AUTH_SCOPE_STAFF_READ = 'orderflow:staff:read';

  @IsOptional()
  @Matches(SCOPE, SCOPE_MESSAGE)
  AUTH_SCOPE_STAFF_CANCEL = 'orderflow:staff:cancel';

  @IsOptional()
  @Matches(SCOPE, SCOPE_MESSAGE)
  AUTH_SCOPE_INVENTORY_ADMIN = 'orderflow:inventory:admin';

  /** `/metrics`: `open` to anyone (scrapers inside the cluster) or `token` (any valid token). */
  @IsOptional()
  @IsIn(['open', 'token'], { message: 'must be open or token' })
  METRICS_ACCESS: 'open' | 'token' = 'open';

  /** `/docs`: `open`, `token` (any valid token) or `off` (not served). */
  @IsOptional()
  @IsIn(['open', 'token', 'off'], { message: 'must be open, token or off' })
  DOCS_ACCESS: 'open' | 'token' | 'off' = 'open';

  /** Rate limits, per replica: requests per window of one caller, or of one IP without a valid token. */
  @IsOptional()
  @Transform(toInt)
  @IsInt(whole('milliseconds', 1000))
  @Min(1000, whole('milliseconds', 1000))
  RATE_LIMIT_WINDOW_MS = 60_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt(whole('requests', 1))
  @Min(1, whole('requests', 1))
  RATE_LIMIT_PER_CALLER = 600;

  @IsOptional()
  @Transform(toInt)
  @IsInt(whole('requests', 1))
  @Min(1, whole('requests', 1))
  RATE_LIMIT_PER_IP = 120;

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
export const serviceConfig = (appConfig: readonly ConfigClass[]): ConfigClass[] => [ServiceEnv, ...appConfig];
