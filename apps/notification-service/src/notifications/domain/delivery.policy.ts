/**
 * When to try a notification again and when to give up. Pure functions: the dispatcher
 * asks, and stores the answer with the notification so it survives a restart.
 */
export interface DeliveryPolicy {
  /** Attempts in all, the first included, before a notification ends as FAILED. */
  maxAttempts: number;
  /** Wait after the first failure; it doubles after each one... */
  initialDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
}

export interface AttemptFailure {
  message: string;
  /** False when another attempt cannot succeed (e.g. the channel refused the message as such). */
  retryable: boolean;
}

export type AfterFailure = { next: 'retry'; delayMs: number } | { next: 'fail'; reason: string };

/** Capped exponential backoff with ±20 % jitter, so notifications that failed together spread out. */
export function retryDelay(failures: number, policy: DeliveryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + random() * 0.4));
}

/** What follows the failure of attempt number `attempts` (1 for the first). */
export function afterFailure(
  attempts: number,
  failure: AttemptFailure,
  policy: DeliveryPolicy,
  random: () => number = Math.random,
): AfterFailure {
  if (!failure.retryable) return { next: 'fail', reason: `not retryable: ${failure.message}` };
  if (attempts >= policy.maxAttempts) {
    return { next: 'fail', reason: `gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${failure.message}` };
  }
  return { next: 'retry', delayMs: retryDelay(attempts, policy, random) };
}
