import type { Consumer } from 'kafkajs';
import { OffsetCommits } from './offset.commits';

/** A consumer whose commits fail while `down` is set, recording each request it sent. */
function consumer() {
  const requests: string[][] = [];
  const fake = {
    down: false,
    requests,
    commitOffsets: jest.fn(async (positions: { topic: string; partition: number; offset: string }[]) => {
      if (fake.down) throw new Error('broker restarting');
      requests.push(positions.map((p) => `${p.topic}[${p.partition}]@${p.offset}`));
    }),
  };
  return fake;
}

const as = (c: ReturnType<typeof consumer>) => c as unknown as Consumer;
const at = (offset: string, partition = 0) => ({ topic: 't', partition, offset });

describe('OffsetCommits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("sends each partition's newest position of an interval in one request, after the interval", async () => {
    const commits = new OffsetCommits(() => undefined, 100);
    const c = consumer();
    commits.commit(as(c), at('5', 0));
    commits.commit(as(c), at('3', 1));
    commits.commit(as(c), at('9', 0));
    // An older position of a partition (a retried batch's) never sets it back.
    commits.commit(as(c), at('7', 0));
    await jest.advanceTimersByTimeAsync(99);
    expect(c.requests).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(c.requests).toEqual([['t[0]@9', 't[1]@3']]);
    commits.commit(as(c), at('10', 0));
    await jest.advanceTimersByTimeAsync(100);
    expect(c.requests).toEqual([['t[0]@9', 't[1]@3'], ['t[0]@10']]);
  });

  it('sends what is due at once on flush, and nothing after it stopped', async () => {
    const commits = new OffsetCommits(() => undefined, 100);
    const c = consumer();
    commits.commit(as(c), at('4'));
    await commits.flush();
    expect(c.requests).toEqual([['t[0]@4']]);

    commits.stop();
    commits.commit(as(c), at('6'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(c.requests).toEqual([['t[0]@4']]);
  });

  it('commits again what the broker refused, until it is acknowledged', async () => {
    const warnings: string[] = [];
    const commits = new OffsetCommits((message) => warnings.push(message));
    const c = consumer();
    c.down = true;
    commits.commit(as(c), at('10'));
    await commits.flush();
    expect(commits.pending()).toEqual([at('10')]);
    expect(warnings[0]).toContain('committing t[0]@10 failed: broker restarting');

    c.down = false;
    await commits.retry(as(c));
    expect(c.requests).toEqual([['t[0]@10']]);
    expect(commits.pending()).toEqual([]);
  });

  it('owes only the newest offset of a partition, and nothing once a newer commit succeeded', async () => {
    const commits = new OffsetCommits(() => undefined);
    const c = consumer();
    c.down = true;
    commits.commit(as(c), at('10'));
    await commits.flush();
    commits.commit(as(c), at('12'));
    await commits.flush();
    expect(commits.pending()).toEqual([at('12')]);
    c.down = false;
    commits.commit(as(c), at('15'));
    await commits.flush();
    expect(commits.pending()).toEqual([]);
  });

  it('forgets what was due and owed when the consumer rejoins, and what failed across the rejoin', async () => {
    const commits = new OffsetCommits(() => undefined);
    const c = consumer();
    c.down = true;
    commits.commit(as(c), at('10'));
    await commits.flush();
    commits.commit(as(c), at('11', 1));
    commits.joined();
    expect(commits.pending()).toEqual([]);
    c.down = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(c.requests).toEqual([]);

    // A commit started before a rejoin and failing after it is not owed either.
    let fail!: (error: Error) => void;
    c.commitOffsets.mockImplementationOnce(() => new Promise((_, reject) => (fail = reject)));
    commits.commit(as(c), at('20'));
    const late = commits.flush();
    commits.joined();
    fail(new Error('not the coordinator'));
    await late;
    expect(commits.pending()).toEqual([]);
  });
});
