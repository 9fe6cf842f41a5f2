import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system, in clock ticks) and memory of one process at one moment. */
export interface ProcessSample {
  ticks: number;
  /** Resident memory now, and its peak since the process started, in KiB. */
  rssKb: number;
  peakRssKb: number;
}

/**
 * utime + stime from the text of /proc/<pid>/stat. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted from the last ')': after it come state
 * (field 3) … utime (14) and stime (15).
 */
export function ticksFromStat(stat: string): number {
  const rest = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** A `VmRSS:    1234 kB`-style field of /proc/<pid>/status, in KiB (0 when absent, e.g. a zombie). */
export function kbFromStatus(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    ticks: ticksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    rssKb: kbFromStatus(status, 'VmRSS'),
    peakRssKb: kbFromStatus(status, 'VmHWM'),
  };
}

/** Clock ticks per second, as the kernel counts utime and stime. */
export function clockTicks(): number {
  return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
}

export interface CpuCost {
  name: string;
  cpuSeconds: number;
  /** CPU milliseconds this process spent per order of the run. */
  msPerOrder: number;
  rssMb: number;
  peakRssMb: number;
}

/** What each process spent between two samples, per order; the last entry is the sum over all. */
export function cpuCosts(
  before: Record<string, ProcessSample>,
  after: Record<string, ProcessSample>,
  orders: number,
  ticksPerSecond: number,
): CpuCost[] {
  const costs = Object.keys(after)
    .filter((name) => before[name] !== undefined)
    .map((name) => {
      const cpuSeconds = (after[name].ticks - before[name].ticks) / ticksPerSecond;
      return {
        name,
        cpuSeconds,
        msPerOrder: orders > 0 ? (cpuSeconds * 1000) / orders : NaN,
        rssMb: after[name].rssKb / 1024,
        peakRssMb: after[name].peakRssKb / 1024,
      };
    });
  const total = costs.reduce((sum, cost) => sum + cost.cpuSeconds, 0);
  return [
    ...costs,
    {
      name: 'total',
      cpuSeconds: total,
      msPerOrder: orders > 0 ? (total * 1000) / orders : NaN,
      rssMb: costs.reduce((sum, cost) => sum + cost.rssMb, 0),
      peakRssMb: costs.reduce((sum, cost) => sum + cost.peakRssMb, 0),
    },
  ];
}

/** Total CPU ticks of a set of processes at one moment. */
export interface CpuPoint {
  at: number;
  ticks: number;
}

/**
 * CPU ticks spent between `from` and `to`, interpolated linearly between the points around
 * each end (points sorted by time; ends outside them are clamped to the first or last).
 */
export function ticksBetween(points: readonly CpuPoint[], from: number, to: number): number {
  const at = (t: number): number => {
    if (points.length === 0) return 0;
    if (t <= points[0].at) return points[0].ticks;
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      if (t <= b.at) return a.ticks + ((b.ticks - a.ticks) * (t - a.at)) / Math.max(1, b.at - a.at);
    }
    return points[points.length - 1].ticks;
  };
  return at(to) - at(from);
}
