import { record } from './run.report';
import { serviceAt } from './services';
import { testDeadline } from './test-deadline';

/** What is left of a test's time after a wait, for the request sent again and what the test does with it. */
const AFTER_WAIT_MS = 5_000;

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; one second when it says nothing usable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  if (IMF_FIXDATE.test(value)) return Math.max(0, Date.parse(value) - now);
  return 1_000;
}

/**
 * `fetch`, as a client that respects the services' rate limits: a `429` is waited out for as
 * long as its `Retry-After` says and the request sent again, as often as it takes, as long
 * as the wait ends within the running test's deadline. Each such answer is counted in the
 * run's summary; a wait the test has no time for fails the request, saying so. A 429 is
 * refused before the request is handled, so sending it again is safe for every method.
 */
export async function fetchWithinRateLimits(url: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const response = await fetch(url, init);
    if (response.status !== 429) return response;
    const waitMs = retryAfterMs(response.headers.get('retry-after'));
    const deadline = testDeadline();
    if (deadline !== undefined && Date.now() + waitMs + AFTER_WAIT_MS > deadline) {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      throw new Error(
        `${init.method ?? 'GET'} ${url} answered 429 (rate-limited) with Retry-After ${Math.round(waitMs / 1000)} s, ` +
          `but the test times out in ${left} s: slow down, or give the test more time`,
      );
    }
    record({ kind: 'throttled', target: serviceAt(url) ?? new URL(url).host, waitMs });
    await response.arrayBuffer(); // let the connection go back to the pool while waiting
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
