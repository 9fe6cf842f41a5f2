import { freePorts } from './free-port';

describe('freePorts', () => {
  it('hands out distinct ports, however many are asked for at once', async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});
