import type { Consumer } from 'kafkajs';
import { OffsetCommits } from './offset.commits';

/** A consumer whose commits fail while `down` is set, recording what it committed. */
function consumer() {
  const committed: string[] = [];
  const fake = {
    down: false,
    committed,
    commitOffsets: jest.fn(async (positions: { topic: string; partition: number; offset: string }[]) => {
      if (fake.down) throw new Error('broker restarting');
      committed.push(...positions.map((p) => `${p.topic}[${p.partition}]@${p.offset}`));
    }),
  };
  return fake;
}

describe('OffsetCommits', () => {
  const at = (offset: string) => ({ topic: 't', partition: 0, offset });

  it('commits again what the broker refused, until it is acknowledged', async () => {
    const warnings: string[] = [];
    const commits = new OffsetCommits((message) => warnings.push(message));
    const c = consumer();
    c.down = true;
    await commits.commit(c as unknown as Consumer, at('10'));
    expect(commits.pending()).toEqual([at('10')]);
    expect(warnings[0]).toContain('committing t[0]@10 failed: broker restarting');

    c.down = false;
    await commits.retry(c as unknown as Consumer);
    expect(c.committed).toEqual(['t[0]@10']);
    expect(commits.pending()).toEqual([]);
  });

  it('owes only the newest offset of a partition, and nothing once a newer commit succeeded', async () => {
    const commits = new OffsetCommits(() => undefined);
    const c = consumer();
    c.down = true;
    await commits.commit(c as unknown as Consumer, at('10'));
    await commits.commit(c as unknown as Consumer, at('12'));
    expect(commits.pending()).toEqual([at('12')]);
    c.down = false;
    await commits.commit(c as unknown as Consumer, at('15'));
    expect(commits.pending()).toEqual([]);
  });

  it('forgets what it owed when the consumer rejoins, and what failed across the rejoin', async () => {
    const commits = new OffsetCommits(() => undefined);
    const c = consumer();
    c.down = true;
    await commits.commit(c as unknown as Consumer, at('10'));
    commits.joined();
    expect(commits.pending()).toEqual([]);

    // A commit started before a rejoin and failing after it is not owed either.
    let fail!: (error: Error) => void;
    c.commitOffsets.mockImplementationOnce(() => new Promise((_, reject) => (fail = reject)));
    const late = commits.commit(c as unknown as Consumer, at('20'));
    commits.joined();
    fail(new Error('not the coordinator'));
    await late;
    expect(commits.pending()).toEqual([]);
  });
});
