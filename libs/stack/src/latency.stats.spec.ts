import { pendingToFinal, percentile, quarters, summarize } from './latency.stats';

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

describe('quarters', () => {
  const rates = (finals: number[]) =>
    quarters(finals.map((finalAt) => ({ pendingAt: 0, finalAt }))).map((q) => (q.orders * 1000) / (q.to - q.from));

  it('gives equal rates for an even pace', () => {
    expect(rates([100, 200, 300, 400, 500, 600, 700, 800])).toEqual([10, 10, 10, 10]);
  });

  it('shows a pipeline that slows down', () => {
    expect(rates([100, 200, 400, 600, 1000, 1400, 2200, 3000])).toEqual([10, 5, 2.5, 1.25]);
  });

  it('spans each quarter from the end of the one before, the first from the first PENDING', () => {
    const spans = [50, 60, 70, 80].map((pendingAt, i) => ({ pendingAt, finalAt: 100 * (i + 1) }));
    expect(quarters(spans)).toEqual([
      { from: 50, to: 100, orders: 1 },
      { from: 100, to: 200, orders: 1 },
      { from: 200, to: 300, orders: 1 },
      { from: 300, to: 400, orders: 1 },
    ]);
  });

  it('has nothing to say about fewer than four orders', () => {
    expect(quarters([{ pendingAt: 0, finalAt: 1 }])).toEqual([]);
  });
});
