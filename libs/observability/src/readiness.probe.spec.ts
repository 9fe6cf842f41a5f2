import { runProbe } from './readiness.probe';

describe('runProbe', () => {
  it('resolves when the probe answers in time', async () => {
    await expect(runProbe({ name: 'ok', check: async () => undefined }, 100)).resolves.toBeUndefined();
  });

  it('rejects with the probe reason', async () => {
    const failing = { name: 'db', check: () => Promise.reject(new Error('connection refused')) };
    await expect(runProbe(failing, 100)).rejects.toThrow('connection refused');
  });

  it('counts a probe that hangs as down', async () => {
    const hanging = { name: 'slow', check: () => new Promise<void>(() => undefined) };
    await expect(runProbe(hanging, 50)).rejects.toThrow('no answer within 50 ms');
  });
});
