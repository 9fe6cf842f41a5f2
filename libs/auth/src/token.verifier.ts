import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import type { Principal } from './principal';
import { VerifiedTokenCache } from './verified-token.cache';

/** Only asymmetric algorithms: a key published in a JWKS must never double as an HMAC secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The token was checked and is not acceptable; why stays private (RFC 6750 `invalid_token`). */
export class InvalidToken extends Error {
  constructor() {
    super('invalid token');
  }
}

/** The issuer's keys could not be fetched, so no token can be checked right now. */
export class KeysUnavailable extends Error {
  constructor() {
    super('signing keys unavailable');
  }
}

/**
 * Checks bearer JWTs against the issuer's JWKS with `jose`: signature, `iss`, `aud`, `exp`
 * (required) and `nbf`, with a small clock-skew allowance, and, when configured, the RFC 9068
 * header `typ: at+jwt` that tells an access token from an ID token. The key set is fetched on first
 * use and cached; a token signed with a key id not in the cache makes jose fetch the set
 * again (at most once per cooldown), which is how rotated keys are picked up. A token that
 * passed is not checked again for a minute, or until it expires if sooner (`VerifiedTokenCache`).
 */
@Injectable()
export class TokenVerifier {
  private readonly keys?: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified = new VerifiedTokenCache();

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthOptions) {
    if (options.disabled) return; // no issuer configured: nothing is ever verified
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: 5_000,
      // A key id it does not know makes jose fetch the set again, at most once per cooldown:
      // short, so a freshly rotated key is accepted within seconds; long enough that tokens
      // with made-up key ids cannot make us hammer the issuer.
      cooldownDuration: 5_000,
      cacheMaxAge: 10 * 60_000,
    });
  }

  async verify(token: string): Promise<Principal> {
    if (!this.keys) throw new InvalidToken();
    const known = this.verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        // RFC 9068 §2.1 / §4: jose compares the header's typ ignoring an `application/` prefix and case.
        ...(this.options.requireAccessTokenType && { typ: 'at+jwt' }),
      }));
    } catch (error) {
      throw unreachableKeys(error) ? new KeysUnavailable() : new InvalidToken();
    }
    const customerId = payload[this.options.customerClaim];
    if (typeof customerId !== 'string' || customerId.length === 0 || customerId.length > 256) throw new InvalidToken();
    const principal = { customerId, scopes: scopesOf(payload) };
    this.verified.set(token, principal, (payload.exp as number) * 1000);
    return principal;
  }
}

/** `scope` (RFC 8693: space-separated) or `scp` (an array, as some issuers send). */
function scopesOf(payload: JWTPayload): ReadonlySet<string> {
  const raw = payload['scope'] ?? payload['scp'];
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  if (Array.isArray(raw)) return new Set(raw.filter((s): s is string => typeof s === 'string'));
  return new Set();
}

/** Failures to get the keys, as opposed to a token that does not pass. */
function unreachableKeys(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose's generic error is what a key set endpoint answering non-200 or non-JSON raises.
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  // fetch's own errors: connection refused, unknown host
  return true;
}
