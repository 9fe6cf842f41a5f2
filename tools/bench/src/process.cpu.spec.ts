import { readFileSync } from 'node:fs';
import { cpuCosts, kbFromStatus, ticksBetween, ticksFromStat } from './process.cpu';

const stat = (name: string, utime: number, stime: number) =>
  `4242 (${name}) S 1 4242 4242 0 -1 4194560 1234 0 0 0 ${utime} ${stime} 7 8 20 0 11 0 12345 1000000 2000 ` +
  '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0';

describe('ticksFromStat', () => {
  it('adds utime and stime', () => {
    expect(ticksFromStat(stat('node', 150, 25))).toBe(175);
  });

  it('is not fooled by spaces and parentheses in the command name', () => {
    expect(ticksFromStat(stat('my (odd) name 1 2 3', 10, 5))).toBe(15);
  });

  it('reads this very process', () => {
    expect(ticksFromStat(readFileSync('/proc/self/stat', 'utf8'))).toBeGreaterThanOrEqual(0);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => ticksFromStat('hello')).toThrow(/not a \/proc/);
  });
});

describe('kbFromStatus', () => {
  const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   80000 kB\nThreads:\t11\n';

  it('reads resident memory and its peak', () => {
    expect(kbFromStatus(status, 'VmRSS')).toBe(80_000);
    expect(kbFromStatus(status, 'VmHWM')).toBe(81_234);
  });

  it('is 0 for a process without memory (a zombie)', () => {
    expect(kbFromStatus('Name:\tnode\nState:\tZ (zombie)\n', 'VmRSS')).toBe(0);
  });
});

describe('cpuCosts', () => {
  it('turns tick deltas into CPU seconds and milliseconds per order, with a total', () => {
    const before = { api: { ticks: 100, rssKb: 0, peakRssKb: 0 }, kafka: { ticks: 1000, rssKb: 0, peakRssKb: 0 } };
    const after = { api: { ticks: 300, rssKb: 102_400, peakRssKb: 204_800 }, kafka: { ticks: 1100, rssKb: 1024, peakRssKb: 1024 } };
    expect(cpuCosts(before, after, 50, 100)).toEqual([
      { name: 'api', cpuSeconds: 2, msPerOrder: 40, rssMb: 100, peakRssMb: 200 },
      { name: 'kafka', cpuSeconds: 1, msPerOrder: 20, rssMb: 1, peakRssMb: 1 },
      { name: 'total', cpuSeconds: 3, msPerOrder: 60, rssMb: 101, peakRssMb: 201 },
    ]);
  });

  it('leaves out a process that was not there before', () => {
    const after = { late: { ticks: 5, rssKb: 0, peakRssKb: 0 } };
    expect(cpuCosts({}, after, 1, 100).map((c) => c.name)).toEqual(['total']);
  });
});

describe('ticksBetween', () => {
  const points = [
    { at: 1000, ticks: 0 },
    { at: 2000, ticks: 100 },
    { at: 3000, ticks: 300 },
  ];

  it('adds up what was spent between two sample times', () => {
    expect(ticksBetween(points, 1000, 3000)).toBe(300);
    expect(ticksBetween(points, 2000, 3000)).toBe(200);
  });

  it('interpolates between samples', () => {
    expect(ticksBetween(points, 1500, 2500)).toBe(50 + 100);
  });

  it('clamps times outside the samples to the first and last', () => {
    expect(ticksBetween(points, 0, 5000)).toBe(300);
    expect(ticksBetween([], 0, 5000)).toBe(0);
  });
});
