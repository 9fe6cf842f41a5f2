import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 5_000 };

  it('doubles from the initial delay, within the jitter', () => {
    for (const [attempt, base] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [6, 3_200],
    ]) {
      const delay = backoffDelay(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
  });

  it('never exceeds the cap by more than the jitter, however many attempts', () => {
    expect(backoffDelay(60, options)).toBeLessThanOrEqual(6_000);
  });
});
