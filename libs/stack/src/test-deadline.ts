/**
 * When the running test (or hook) times out, in ms since the epoch. The suite's environment
 * (pipeline.environment.ts) sets it as each one starts, on the test file's global.
 */
export const DEADLINE_KEY = '__E2E_TEST_DEADLINE__';

/** When the running test times out; undefined outside a test, or without the suite's environment. */
export function testDeadline(): number | undefined {
  const deadline = (globalThis as Record<string, unknown>)[DEADLINE_KEY];
  return typeof deadline === 'number' ? deadline : undefined;
}
