import { handleInKeyLanes, type LaneMessage } from './key-lanes';

const batch = (...keys: string[]): LaneMessage[] => keys.map((key, i) => ({ offset: String(10 + i), key }));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('handleInKeyLanes', () => {
  it("handles each key's messages in offset order while different keys run side by side", async () => {
    const started: string[] = [];
    let inFlight = 0;
    let most = 0;
    const failure = await handleInKeyLanes(batch('a', 'b', 'a', 'c', 'b', 'a'), 8, async (m) => {
      started.push(`${m.key}@${m.offset}`);
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight -= 1;
      return 'done';
    });
    expect(failure).toBeUndefined();
    expect(started.filter((s) => s.startsWith('a'))).toEqual(['a@10', 'a@12', 'a@15']);
    expect(started.filter((s) => s.startsWith('b'))).toEqual(['b@11', 'b@14']);
    expect(most).toBe(3);
  });

  it('stops a key at its first failure, lets other keys finish, and reports the lowest offset not handled', async () => {
    const handled: string[] = [];
    const failure = await handleInKeyLanes(batch('a', 'b', 'b', 'a', 'c'), 8, async (m) => {
      if (m.offset === '11') throw new Error('database down');
      handled.push(m.offset);
      return 'done';
    });
    expect(failure?.offset).toBe('11');
    expect((failure?.error as Error).message).toBe('database down');
    // b@12 comes after the failed b@11, so it waits; a and c went on.
    expect(handled.sort()).toEqual(['10', '13', '14']);
  });

  it('reports where it stopped when a handler says so, without an error', async () => {
    const failure = await handleInKeyLanes(batch('a', 'a', 'a'), 4, async (m) => (m.offset === '11' ? 'stopped' : 'done'));
    expect(failure).toEqual({ offset: '11', error: undefined });
  });

  it('keeps no more than `concurrency` keys in flight', async () => {
    let inFlight = 0;
    let most = 0;
    await handleInKeyLanes(batch('a', 'b', 'c', 'd', 'e', 'f'), 2, async () => {
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight -= 1;
      return 'done';
    });
    expect(most).toBe(2);
  });
});
