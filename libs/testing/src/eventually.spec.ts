import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the value once the probe stops throwing', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows the last failure after the deadline', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('still pending');
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('still pending');
  });
});
