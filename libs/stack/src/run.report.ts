import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A request the services answered 429, waited for as its Retry-After said, and sent again. */
export interface ThrottledRecord {
  kind: 'throttled';
  target: string;
  waitMs: number;
}

/** A test this run did not run, and why. */
export interface SkippedRecord {
  kind: 'skipped';
  file: string;
  /** Its describe blocks and its own name. */
  path: string[];
  why: string;
}

type RunRecord = ThrottledRecord | SkippedRecord;

// Test files, their environments and the global teardown share no module state, so what
// the summary needs goes to a file of the run (named by the global setup).
const reportFile = (): string | undefined => {
  const dir = process.env['E2E_REPORT_DIR'];
  return dir ? join(dir, 'report.jsonl') : undefined;
};

export function record(entry: RunRecord): void {
  const file = reportFile();
  // Outside the suite (the benchmark and chaos reuse the helpers) there is no run to report on.
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

function read(): RunRecord[] {
  const file = reportFile();
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunRecord);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the run's summary adds to jest's: how often the services throttled it, what it did not run and why. */
export function runSummary(records: RunRecord[] = read()): string[] {
  const throttled = records.filter((r): r is ThrottledRecord => r.kind === 'throttled');
  const lines: string[] = [];
  if (throttled.length === 0) {
    lines.push('rate limits: no request was answered 429');
  } else {
    const byTarget = new Map<string, number>();
    for (const r of throttled) byTarget.set(r.target, (byTarget.get(r.target) ?? 0) + 1);
    const longest = Math.round(Math.max(...throttled.map((r) => r.waitMs)) / 1000);
    const where = [...byTarget].map(([target, n]) => `${target} ${n}`).join(', ');
    lines.push(
      `rate limits: ${plural(throttled.length, 'answer')} 429 (${where}), each sent again after its Retry-After; the longest wait ${longest} s`,
    );
  }
  const skipped = records.filter((r): r is SkippedRecord => r.kind === 'skipped');
  if (skipped.length > 0) {
    lines.push(`not run: ${plural(skipped.length, 'test')}`);
    const groups = new Map<string, SkippedRecord[]>();
    for (const r of skipped) {
      const block = r.path.length > 1 ? `${r.file} › ${r.path[0]}` : r.file;
      const key = `${block}\n${r.why}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, tests] of groups) {
      const [block, why] = key.split('\n');
      lines.push(`  ${block} (${plural(tests.length, 'test')}), because ${why}:`);
      for (const test of tests) lines.push(`    - ${test.path.slice(test.path.length > 1 ? 1 : 0).join(' › ')}`);
    }
  }
  return lines;
}
