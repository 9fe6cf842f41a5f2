export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Capped exponential backoff with ±20 % jitter, so replicas do not retry in lockstep. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
