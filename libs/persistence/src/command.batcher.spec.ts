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

  it('with a gathering window, holds the first write for the window and sends everything asked within it together', async () => {
    const writes: number[][] = [];
    const batcher = new CommandBatcher<number>(
      async (items) => {
        writes.push(items);
        return items.map(() => undefined);
      },
      500,
      50,
    );
    const first = batcher.add(1);
    // A timer due sooner fires first, however busy the machine is.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(writes).toEqual([]);
    const second = batcher.add(2);
    await Promise.all([first, second]);
    expect(writes).toEqual([[1, 2]]);
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
