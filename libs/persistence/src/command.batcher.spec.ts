import { CommandBatcher } from './command.batcher';

describe('CommandBatcher', () => {
  it('writes an idle caller at once and gathers what comes meanwhile into the next write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const batcher = new CommandBatcher<number, number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((n) => n * 10);
    });

    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => batcher.add(n));
    release();

    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller of a failed write with its error, and goes on with later ones', async () => {
    let fail = true;
    const batcher = new CommandBatcher<string>(async (items) => {
      if (fail) throw new Error('database down');
      return items.map(() => undefined);
    });
    await expect(batcher.add('a')).rejects.toThrow('database down');
    fail = false;
    await expect(batcher.add('b')).resolves.toBeUndefined();
  });

  it('splits what waits into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = new CommandBatcher<number>(async (items) => {
      sizes.push(items.length);
      return items.map(() => undefined);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('sends what callers of one turn of the event loop ask for as one write', async () => {
    const writes: number[][] = [];
    const batcher = new CommandBatcher<number>(async (items) => {
      writes.push(items);
      return items.map(() => undefined);
    });
    await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    await batcher.add(4);
    expect(writes).toEqual([[1, 2, 3], [4]]);
  });

  it('with a gathering window, holds each item for the window, and sends with it what came meanwhile for the same document', async () => {
    const writes: string[][] = [];
    const batcher = new CommandBatcher<string>(
      async (items) => {
        writes.push(items);
        return items.map(() => undefined);
      },
      500,
      50,
      (item) => item.split(':')[0],
    );
    const started = Date.now();
    const first = batcher.add('a:1');
    // A timer due sooner fires first, however busy the machine is.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writes).toEqual([]);
    const second = batcher.add('a:2');
    const other = batcher.add('b:1');
    await Promise.all([first, second]);
    // The document's second item rode with its first; another document's waits its own window.
    expect(writes).toEqual([['a:1', 'a:2']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(49);
    await other;
    expect(writes).toEqual([['a:1', 'a:2'], ['b:1']]);
  });

  it('with a gathering window, sends the items that come due together in one write', async () => {
    const writes: number[][] = [];
    const batcher = new CommandBatcher<number>(
      async (items) => {
        writes.push(items);
        return items.map(() => undefined);
      },
      500,
      40,
    );
    const first = batcher.add(1);
    await new Promise((resolve) => setTimeout(resolve, 45));
    await first;
    // Asked for right after a write: each waits its window, and they go out together.
    await Promise.all([batcher.add(2), new Promise((resolve) => setTimeout(resolve, 2)).then(() => batcher.add(3))]);
    expect(writes).toEqual([[1], [2, 3]]);
  });

  it('with a gathering window, does not hold back a full batch', async () => {
    const writes: number[][] = [];
    const batcher = new CommandBatcher<number>(
      async (items) => {
        writes.push(items);
        return items.map(() => undefined);
      },
      2,
      60_000,
    );
    await Promise.all([batcher.add(1), batcher.add(2)]);
    expect(writes).toEqual([[1, 2]]);
  });
});
