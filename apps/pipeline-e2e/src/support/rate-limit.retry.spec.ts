import { retryAfterMs } from './rate-limit.retry';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-04T10:00:00Z');

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('42', now)).toBe(42_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Fri, 04 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Fri, 04 Dec 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('waits one second when a 429 says nothing usable', () => {
    for (const header of [null, '', 'soon', '-5', '1.5']) expect(retryAfterMs(header, now)).toBe(1_000);
  });
});
