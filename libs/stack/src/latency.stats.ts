/** One entry of an Order's `history`, as the API returns it. */
export interface HistoryEntry {
  status: string;
  at: string;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const FINAL = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

/** Nearest-rank percentile of ascending `sorted`: a value that was actually measured, never an interpolation. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}

/** When the order was stored as PENDING and when it first reached a final state (ms since epoch). */
export function pendingToFinal(history: readonly HistoryEntry[]): { pendingAt: number; finalAt: number } | undefined {
  const pending = history.find((entry) => entry.status === 'PENDING');
  const final = history.find((entry) => FINAL.has(entry.status));
  if (!pending || !final) return undefined;
  return { pendingAt: Date.parse(pending.at), finalAt: Date.parse(final.at) };
}

/** One quarter of a flat run's orders: the time it spans and how many orders became final in it. */
export interface Quarter {
  from: number;
  to: number;
  orders: number;
}

/**
 * Each quarter of the orders, taken in the order they became final: a quarter runs from the
 * previous quarter's last final timestamp (the first PENDING one for the first quarter) to
 * its own last. A pipeline whose cost per order is flat keeps the last quarter's throughput
 * and CPU per order near the first's.
 */
export function quarters(spans: readonly { pendingAt: number; finalAt: number }[]): Quarter[] {
  if (spans.length < 4) return [];
  const finals = spans.map((s) => s.finalAt).sort((a, b) => a - b);
  let start = Math.min(...spans.map((s) => s.pendingAt));
  const result: Quarter[] = [];
  for (let q = 1; q <= 4; q++) {
    const from = Math.round(((q - 1) * finals.length) / 4);
    const to = Math.round((q * finals.length) / 4);
    const end = finals[to - 1];
    result.push({ from: start, to: end, orders: to - from });
    start = end;
  }
  return result;
}
