import type { Principal } from './principal';

/**
 * Tokens this process verified lately, with the principal each one carries. A client sends
 * the same token with every request until it expires, and checking its signature again each
 * time was the largest single cost of authentication (about 5 % of order-api's CPU under load).
 *
 * Only a token that passed every check is kept, and only until the earlier of its `exp` and
 * `ttlMs` from now: a key withdrawn from the issuer's key set stops being honoured within that
 * time, as it would once the key set is fetched again. Bounded by `max` tokens, the oldest
 * going first, so tokens from many callers cannot grow it.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 10_000,
  ) {}

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > now) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  /** Keeps a verified token until `expiresAt` (its `exp`), or `ttlMs` from now if sooner. */
  set(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    const until = Math.min(expiresAt, now + this.ttlMs);
    if (until <= now) return;
    if (this.entries.size >= this.max && !this.entries.has(token)) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, { principal, until });
  }
}
