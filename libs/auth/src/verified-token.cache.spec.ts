import { VerifiedTokenCache } from './verified-token.cache';

const alice = { customerId: 'c-alice', scopes: new Set<string>() };
const bob = { customerId: 'c-bob', scopes: new Set<string>() };

describe('VerifiedTokenCache', () => {
  it('answers for a verified token until a minute has passed', () => {
    const cache = new VerifiedTokenCache(60_000);
    cache.set('t1', alice, 10 * 60_000, 0);
    expect(cache.get('t1', 59_999)).toBe(alice);
    expect(cache.get('t1', 60_000)).toBeUndefined();
    expect(cache.get('other', 1)).toBeUndefined();
  });

  it('never answers for a token past its expiry, however recently it was verified', () => {
    const cache = new VerifiedTokenCache(60_000);
    cache.set('t1', alice, 5_000, 0);
    expect(cache.get('t1', 4_999)).toBe(alice);
    expect(cache.get('t1', 5_000)).toBeUndefined();
    cache.set('expired', bob, 1_000, 2_000);
    expect(cache.get('expired', 2_000)).toBeUndefined();
  });

  it('keeps at most `max` tokens, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache(60_000, 2);
    cache.set('t1', alice, 60_000, 0);
    cache.set('t2', bob, 60_000, 0);
    cache.set('t3', bob, 60_000, 0);
    expect(cache.get('t1', 1)).toBeUndefined();
    expect(cache.get('t2', 1)).toBe(bob);
    expect(cache.get('t3', 1)).toBe(bob);
  });
});
