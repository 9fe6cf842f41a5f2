import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchWithinRateLimits, retryAfterMs } from './rate-limit.retry';
import { runSummary } from './run.report';
import { DEADLINE_KEY } from './test-deadline';

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

describe('fetchWithinRateLimits', () => {
  let server: Server;
  let url: string;
  /** Retry-After of each 429 the server answers before it answers 200. */
  let throttles: string[];
  const global = globalThis as Record<string, unknown>;

  beforeEach(async () => {
    process.env['E2E_REPORT_DIR'] = mkdtempSync(join(tmpdir(), 'rate-limit-spec-'));
    server = createServer((_, res) => {
      const retryAfter = throttles.shift();
      if (retryAfter === undefined) res.writeHead(200).end('ok');
      else res.writeHead(429, { 'retry-after': retryAfter }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  });

  afterEach(async () => {
    delete global[DEADLINE_KEY];
    rmSync(process.env['E2E_REPORT_DIR'] as string, { recursive: true, force: true });
    delete process.env['E2E_REPORT_DIR'];
    await new Promise((resolve) => server.close(resolve));
  });

  it('waits as long as each 429 says, sends the request again, and counts each 429', async () => {
    throttles = ['0', '1'];
    const started = Date.now();
    const response = await fetchWithinRateLimits(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(runSummary()[0]).toMatch(/^rate limits: 2 answers 429 \(127\.0\.0\.1:\d+ 2\)/);
  });

  it('fails at once, saying why, when the wait would outlast the test', async () => {
    throttles = ['60'];
    global[DEADLINE_KEY] = Date.now() + 20_000;
    const started = Date.now();
    await expect(fetchWithinRateLimits(url)).rejects.toThrow(
      /answered 429 \(rate-limited\) with Retry-After 60 s, but the test times out in 20 s/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
