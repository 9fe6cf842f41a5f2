import { afterFailure, retryDelay, type DeliveryPolicy } from './delivery.policy';

const policy: DeliveryPolicy = { maxAttempts: 4, initialDelayMs: 1_000, maxDelayMs: 5_000 };
const middle = () => 0.5;

describe('delivery policy', () => {
  it('doubles the wait after each failure, up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelay(n, policy, middle))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('spreads waits by at most 20 % either way', () => {
    expect(retryDelay(1, policy, () => 0)).toBe(800);
    expect(retryDelay(1, policy, () => 0.999999)).toBe(1_200);
  });

  it('retries a transient failure while attempts remain', () => {
    const failure = { message: 'webhook answered 503', retryable: true };
    expect(afterFailure(1, failure, policy, middle)).toEqual({ next: 'retry', delayMs: 1_000 });
    expect(afterFailure(3, failure, policy, middle)).toEqual({ next: 'retry', delayMs: 4_000 });
  });

  it('fails with the last error once the attempts are used up', () => {
    expect(afterFailure(4, { message: 'webhook answered 500', retryable: true }, policy)).toEqual({
      next: 'fail',
      reason: 'gave up after 4 attempts: webhook answered 500',
    });
  });

  it('fails at once when another attempt cannot succeed', () => {
    expect(afterFailure(1, { message: 'webhook answered 400', retryable: false }, policy)).toEqual({
      next: 'fail',
      reason: 'not retryable: webhook answered 400',
    });
  });

  it('gives up after the first attempt when only one is allowed', () => {
    expect(afterFailure(1, { message: 'down', retryable: true }, { ...policy, maxAttempts: 1 })).toEqual({
      next: 'fail',
      reason: 'gave up after 1 attempt: down',
    });
  });
});
