import { localServices } from '@orderflow/stack';

/** Where each test file keeps why its skipped describe blocks were skipped (read by the suite's environment). */
export const SKIP_REASONS_KEY = '__E2E_SKIP_REASONS__';

/**
 * `describe` for tests that must start, stop or reconfigure services themselves, so they
 * run only against services the suite started. Against a deployment the block is skipped,
 * and the run's summary names its tests with `why` (what the block would do to the services).
 */
export function withOwnServices(why: string): (title: string, body: () => void) => void {
  if (localServices()) return describe;
  return (title, body) => {
    const global = globalThis as unknown as Record<string, Record<string, string> | undefined>;
    global[SKIP_REASONS_KEY] = { ...global[SKIP_REASONS_KEY], [title]: why };
    describe.skip(title, body);
  };
}
