export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Retries `probe` until it stops throwing, then returns its value; after the deadline it
 * rethrows the last failure, so a timed-out test shows what was still wrong.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 100 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
