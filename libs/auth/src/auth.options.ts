import type { ScopeNames } from './principal';

/** Who may read `/metrics` and `/docs`: anyone, any caller with a valid token, or nobody (docs only). */
export type SurfaceAccess = 'open' | 'token' | 'off';

export interface AuthOptions {
  /** True only when configured so explicitly; the service then says so loudly at start. */
  readonly disabled: boolean;
  /** Where the issuer publishes its signing keys (JWKS). */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** The claim that names the customer the caller acts as. */
  readonly customerClaim: string;
  /** Leeway for `exp`/`nbf`/`iat` between the issuer's clock and ours. */
  readonly clockToleranceSeconds: number;
  /** Accept only RFC 9068 access tokens (`typ: at+jwt`), never an ID token for the same audience. */
  readonly requireAccessTokenType?: boolean;
  readonly scopes: ScopeNames;
  readonly metrics: Exclude<SurfaceAccess, 'off'>;
  readonly docs: SurfaceAccess;
  readonly rateLimit: RateLimitOptions;
}

export interface RateLimitOptions {
  readonly windowMs: number;
  /** Requests per window of one authenticated caller (by customer id), on one replica. */
  readonly perCaller: number;
  /** Requests per window from one IP address without a valid token, on one replica. */
  readonly perIp: number;
  /** Callers (customers and IP addresses) counted at once, on one replica: the limiter's memory bound. */
  readonly maxCallers: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
