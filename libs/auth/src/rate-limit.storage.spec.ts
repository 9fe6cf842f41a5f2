import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RateLimitStorage } from './rate-limit.storage';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use once garbage is collected: what a store really holds on to. */
function retainedHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const WINDOW_MS = 60_000;
const LIMIT = 3;

describe('RateLimitStorage', () => {
  let now = 1_000_000;
  const clock = () => now;
  const hit = (storage: RateLimitStorage, caller: string) => storage.increment(caller, WINDOW_MS, LIMIT);

  it('after 100,000 distinct callers in one window holds at most its bound, and no caller gets past its limit', async () => {
    const storage = new RateLimitStorage(10_000, clock);
    const before = retainedHeap();
    const admitted: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const caller = `ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const answer = await hit(storage, caller);
      if (!answer.isBlocked) admitted.push(caller);
      else expect(answer.timeToBlockExpire).toBeGreaterThan(0);
      now += 0.5; // 100,000 callers over 50 s: all inside one window
    }
    const growth = retainedHeap() - before;

    expect(storage.size).toBe(10_000);
    expect(admitted).toHaveLength(10_000);
    // About 10,000 small records; the library's store held 100,000 with a hit log each.
    expect(growth).toBeLessThan(8 * 1024 * 1024);

    // Every admitted caller has exactly its limit, then 429 until its window ends.
    for (const caller of admitted.slice(0, 1_000)) {
      const answers = [await hit(storage, caller), await hit(storage, caller), await hit(storage, caller)];
      expect(answers.map((a) => a.isBlocked)).toEqual([false, false, true]);
    }
    // A caller it has no room for is refused, not given a fresh budget at someone's expense.
    expect((await hit(storage, 'ip:192.0.2.1')).isBlocked).toBe(true);
    expect(storage.size).toBe(10_000);

    // Once the windows end, everything is forgotten and newcomers are served again.
    now += WINDOW_MS;
    expect((await hit(storage, 'ip:192.0.2.1')).isBlocked).toBe(false);
    expect(storage.size).toBe(1);
    expect((await hit(storage, admitted[0])).isBlocked).toBe(false);
  });

  it('answers how long until the caller may call again', async () => {
    const storage = new RateLimitStorage(10, clock);
    for (let i = 0; i < LIMIT; i++) await hit(storage, 'caller:alice');
    now += 20_000;
    const refused = await hit(storage, 'caller:alice');
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 40 });
    now += 40_000;
    expect(await hit(storage, 'caller:alice')).toMatchObject({ isBlocked: false, totalHits: 1 });
  });
});
