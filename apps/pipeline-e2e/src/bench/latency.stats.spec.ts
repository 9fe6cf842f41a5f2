import { pendingToFinal, percentile, quarterRates, summarize } from './latency.stats';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the nearest rank, a value that was measured', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 8, 9], 50)).toBe(8);
    expect(percentile([7, 8, 9], 99)).toBe(9);
    expect(percentile([7], 1)).toBe(7);
  });

  it('is NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted values', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40 });
  });
});

describe('pendingToFinal', () => {
  it('spans from PENDING to the first final status', () => {
    const span = pendingToFinal([
      { status: 'PENDING', at: '2026-01-01T00:00:00.000Z' },
      { status: 'CONFIRMED', at: '2026-01-01T00:00:00.250Z' },
      { status: 'CANCELLED', at: '2026-01-01T00:00:01.000Z' },
    ]);
    expect(span).toEqual({ pendingAt: Date.parse('2026-01-01T00:00:00.000Z'), finalAt: Date.parse('2026-01-01T00:00:00.250Z') });
  });

  it('is undefined for an order still pending', () => {
    expect(pendingToFinal([{ status: 'PENDING', at: '2026-01-01T00:00:00.000Z' }])).toBeUndefined();
  });
});

describe('quarterRates', () => {
  it('gives equal rates for an even pace', () => {
    const spans = Array.from({ length: 8 }, (_, i) => ({ pendingAt: 0, finalAt: (i + 1) * 100 }));
    expect(quarterRates(spans)).toEqual([10, 10, 10, 10]);
  });

  it('shows a pipeline that slows down', () => {
    const finals = [100, 200, 400, 600, 1000, 1400, 2200, 3000];
    const rates = quarterRates(finals.map((finalAt) => ({ pendingAt: 0, finalAt })));
    expect(rates).toEqual([10, 5, 2.5, 1.25]);
  });
});
