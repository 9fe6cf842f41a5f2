import { envInteger, wholeNumberOf } from '@orderflow/config';
import { DEFAULT_SCOPE_NAMES } from '@orderflow/contracts';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import type { AuthOptions } from './auth.options';

/** Needed unless authentication is explicitly disabled. */
const unlessAuthDisabled = ValidateIf((env: AuthConfig) => env.AUTH_DISABLED !== 'true');

/** A scope name as OAuth 2.0 allows it (RFC 6749 §3.3): visible ASCII but `"` and `\\`. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const SCOPE_MESSAGE = { message: 'must be one OAuth scope name (visible ASCII, no spaces, quotes or backslashes)' };

/** Hosts an `http://` key set may be fetched from: this machine only (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether the service may fetch its signing keys from `value`: `https://`, or `http://` on
 * loopback (a local issuer), or any `http://` when `AUTH_JWKS_ALLOW_HTTP=true` says so (a
 * private network such as docker compose's). Keys fetched over plain HTTP from elsewhere
 * can be replaced on the way, and then any token a forger signs is accepted.
 */
export function jwksUrlProblem(value: unknown, allowHttp: boolean): string | undefined {
  if (typeof value !== 'string') return 'must be an https:// URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https:// URL';
  }
  if (!url.hostname || url.username || url.password) return 'must be an https:// URL';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'must be an https:// URL';
  if (allowHttp || isLoopbackHost(url.hostname)) return undefined;
  return 'must be an https:// URL: http:// is allowed only on loopback (localhost, 127.0.0.0/8, ::1) or with AUTH_JWKS_ALLOW_HTTP=true';
}

const IsJwksUrl = () =>
  ValidateBy({
    name: 'isJwksUrl',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        jwksUrlProblem(value, (args?.object as AuthConfig).AUTH_JWKS_ALLOW_HTTP === 'true') === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        jwksUrlProblem(args?.value, (args?.object as AuthConfig).AUTH_JWKS_ALLOW_HTTP === 'true') ?? 'is invalid',
    },
  });

/** The variables AuthModule reads: the token issuer, scope names, who sees /metrics and /docs, rate limits. */
export class AuthConfig {
  /**
   * Authentication can only be switched off by saying so; the service then logs it loudly.
   * Everything below it describes the token issuer the service trusts.
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  AUTH_DISABLED: 'true' | 'false' = 'false';

  /**
   * The issuer's JSON Web Key Set, e.g. https://issuer.example.com/.well-known/jwks.json.
   * Only https://, but for a local issuer on loopback (see `jwksUrlProblem`).
   */
  @unlessAuthDisabled
  @IsJwksUrl()
  AUTH_JWKS_URL!: string;

  /**
   * `true` lets AUTH_JWKS_URL be plain http:// off loopback too: only for a private network
   * where nobody can tamper with the keys (docker compose's local issuer). Never in production.
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  AUTH_JWKS_ALLOW_HTTP: 'true' | 'false' = 'false';

  /**
   * `true` accepts only RFC 9068 access tokens (header `typ: at+jwt`), so an OpenID Connect
   * ID token the same issuer made for the same audience is refused. Off by default, since
   * not every issuer marks its access tokens.
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  AUTH_REQUIRE_AT_JWT: 'true' | 'false' = 'false';

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
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of seconds from 0 to 300' })
  @Min(0, { message: 'must be a whole number of seconds from 0 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 0 to 300' })
  AUTH_CLOCK_SKEW_SECONDS = 30;

  @IsOptional()
  @Matches(SCOPE, SCOPE_MESSAGE)
  AUTH_SCOPE_STAFF_READ: string = DEFAULT_SCOPE_NAMES.staffRead;

  @IsOptional()
  @Matches(SCOPE, SCOPE_MESSAGE)
  AUTH_SCOPE_STAFF_CANCEL: string = DEFAULT_SCOPE_NAMES.staffCancel;

  @IsOptional()
  @Matches(SCOPE, SCOPE_MESSAGE)
  AUTH_SCOPE_INVENTORY_ADMIN: string = DEFAULT_SCOPE_NAMES.inventoryAdmin;

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
  @Transform(envInteger)
  @IsInt(wholeNumberOf('milliseconds', 1000))
  @Min(1000, wholeNumberOf('milliseconds', 1000))
  RATE_LIMIT_WINDOW_MS = 60_000;

  @IsOptional()
  @Transform(envInteger)
  @IsInt(wholeNumberOf('requests', 1))
  @Min(1, wholeNumberOf('requests', 1))
  RATE_LIMIT_PER_CALLER = 600;

  @IsOptional()
  @Transform(envInteger)
  @IsInt(wholeNumberOf('requests', 1))
  @Min(1, wholeNumberOf('requests', 1))
  RATE_LIMIT_PER_IP = 120;

  /**
   * How many callers the limiter counts at once per replica (about 250 bytes each): when
   * that many windows are live, new callers get 429 until one ends.
   */
  @IsOptional()
  @Transform(envInteger)
  @IsInt(wholeNumberOf('callers', 1))
  @Min(1, wholeNumberOf('callers', 1))
  RATE_LIMIT_MAX_CALLERS = 100_000;
}

/** AuthModule's options from the validated variables. */
export function authOptionsOf(env: AuthConfig): AuthOptions {
  return {
    disabled: env.AUTH_DISABLED === 'true',
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    customerClaim: env.AUTH_CUSTOMER_CLAIM,
    clockToleranceSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
    requireAccessTokenType: env.AUTH_REQUIRE_AT_JWT === 'true',
    scopes: {
      staffRead: env.AUTH_SCOPE_STAFF_READ,
      staffCancel: env.AUTH_SCOPE_STAFF_CANCEL,
      inventoryAdmin: env.AUTH_SCOPE_INVENTORY_ADMIN,
    },
    metrics: env.METRICS_ACCESS,
    docs: env.DOCS_ACCESS,
    rateLimit: {
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      perCaller: env.RATE_LIMIT_PER_CALLER,
      perIp: env.RATE_LIMIT_PER_IP,
      maxCallers: env.RATE_LIMIT_MAX_CALLERS,
    },
  };
}
