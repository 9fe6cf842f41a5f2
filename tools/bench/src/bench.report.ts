import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench.args';
import { type InvariantReport, type Percentiles, describeRefusals, refusedCount } from '@orderflow/stack';
import type { IntakeLimit } from './intake.limit';
import type { KafkaLimit } from './kafka.limit';
import { latencySvg } from './latency.plot';
import type { MongoLimit } from './mongo.limit';
import type { CpuCost } from './process.cpu';
import type { Census } from './cost.census';
import type { StoredResult } from './stored.run';

export interface RunResult {
  name: string;
  kind: 'closed' | 'open' | 'flat';
  orders: number;
  clients?: number;
  /** Offered orders/s of an open-loop run. */
  offered?: number;
  accepted: number;
  /** POST /orders the API refused (any answer but 202, or none): a run with any is not ok. */
  refused: number;
  /** The refusals by status, `0` for no answer at all. */
  failures: Record<string, number>;
  statuses: Record<string, number>;
  /** Accepted POST /orders per second, first send to last answer. */
  intakePerSecond: number;
  /** Orders per second to a final state, first PENDING to last final timestamp. */
  finalPerSecond: number;
  /** PENDING → final from the orders' own history, over orders the client did not cancel. */
  latencyMs: Percentiles;
  kafkaMessages: number;
  kafkaMessagesPerSecond: number;
  cpu: CpuCost[];
  /** What each order cost in database commands, document writes, Kafka messages and requests. */
  census?: Census;
  /** CPU ms per order of the bench client itself (load, polling, checks), not in the total. */
  clientCpuMsPerOrder: number;
  /**
   * Each quarter of a flat run, in the order orders became final: orders/s, and CPU ms per
   * order of all processes together (which other load on the machine does not distort).
   */
  quarters?: { perSecond: number; cpuMsPerOrder: number }[];
  allFinal: boolean;
  invariants: InvariantReport;
}

export interface Limits {
  kafka: KafkaLimit[];
  database?: MongoLimit;
  intake: IntakeLimit[];
}

export interface BenchResult {
  startedAt: string;
  machine: { cpus: number; memoryGb: number; node: string };
  options: BenchOptions;
  limits: Limits;
  runs: RunResult[];
  stored?: StoredResult;
}

/**
 * What a run's report says of it, worst first: `BROKEN` (an invariant does not hold), `NOT
 * FINAL` (orders still open at the deadline), `REFUSED n` (the API refused n of the orders:
 * the figures then describe fewer orders than asked for, so the run is not ok), else `ok`.
 */
export function runVerdict(run: Pick<RunResult, 'invariants' | 'allFinal' | 'refused'>): string {
  if (!run.invariants.ok) return 'BROKEN';
  if (!run.allFinal) return 'NOT FINAL';
  if (run.refused > 0) return `REFUSED ${run.refused}`;
  return 'ok';
}

export const runOk = (run: Pick<RunResult, 'invariants' | 'allFinal' | 'refused'>): boolean => runVerdict(run) === 'ok';

/** A plain-text table with right-aligned columns except the first; rows may be shorter than the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${header.map((_, i) => (i === 0 ? (cells[i] ?? '').padEnd(widths[i]) : (cells[i] ?? '').padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const n = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
/** value ÷ limit with two significant digits, so a tiny share still shows (0.0031×, not 0.00×). */
const ratio = (value: number, limit: number | undefined) => {
  if (!limit || !Number.isFinite(value)) return '';
  const r = value / limit;
  return ` (${r >= 1 ? r.toFixed(2) : r.toPrecision(2)}×)`;
};

/** The bare intake measured with the same orders and clients as this closed-loop run. */
const intakeLimitOf = (limits: Limits, run: RunResult) =>
  limits.intake.find((l) => l.orders === run.orders && l.clients === run.clients)?.perSecond;

export function limitsTable(limits: Limits): string {
  const rows: string[][] = [];
  for (const k of limits.kafka) {
    rows.push([`Kafka ${k.client}: produce, batched (${k.messages} msgs)`, `${n(k.producePerSecond)} msg/s`]);
    rows.push([`Kafka ${k.client}: produce → consumer group`, `${n(k.roundTripPerSecond)} msg/s`]);
  }
  if (limits.database) {
    rows.push([`database: insertOne, ${limits.database.clients} clients`, `${n(limits.database.insertsPerSecond)} /s`]);
    rows.push([
      `database: conditional updateOne, ${limits.database.clients} clients`,
      `${n(limits.database.conditionalUpdatesPerSecond)} /s`,
    ]);
  }
  for (const i of limits.intake)
    rows.push([`bare Nest intake (POST + 1 insert), ${i.orders} orders / ${i.clients} clients`, `${n(i.perSecond)} /s`]);
  return formatTable(['limit (same machine, same run)', 'rate'], rows);
}

export function runsTable(result: BenchResult): string {
  const kafkaLimit = result.limits.kafka.find((k) => k.client === 'kafkajs')?.roundTripPerSecond;
  const dbLimit = result.limits.database?.conditionalUpdatesPerSecond;
  const rows = result.runs.map((run) => [
    run.name,
    `${run.accepted}`,
    `${run.refused}`,
    `${n(run.intakePerSecond, 1)}${run.kind === 'open' ? ratio(run.intakePerSecond, run.offered) : ratio(run.intakePerSecond, intakeLimitOf(result.limits, run))}`,
    `${n(run.finalPerSecond, 1)}${ratio(run.finalPerSecond, dbLimit)}`,
    `${n(run.kafkaMessagesPerSecond)}${ratio(run.kafkaMessagesPerSecond, kafkaLimit)}`,
    `${n(run.latencyMs.p50)} / ${n(run.latencyMs.p95)} / ${n(run.latencyMs.p99)} / ${n(run.latencyMs.max)}`,
    `${run.statuses['CONFIRMED'] ?? 0}/${run.statuses['REJECTED'] ?? 0}/${run.statuses['CANCELLED'] ?? 0}`,
    n(run.cpu.find((c) => c.name === 'total')?.msPerOrder, 1),
    runVerdict(run),
  ]);
  return formatTable(
    [
      'run',
      'orders',
      'refused',
      'intake/s (× limit)',
      'final/s (× db upd/s)',
      'Kafka msg/s (× raw)',
      'p50/p95/p99/max ms',
      'conf/rej/canc',
      'CPU ms/order',
      'verdict',
    ],
    rows,
  );
}

/** The runs with refused orders, and what the API answered them. */
export function refusalsTable(result: BenchResult): string | undefined {
  const refusing = result.runs.filter((run) => run.refused > 0);
  if (refusing.length === 0) return undefined;
  return formatTable(
    ['refused POST /orders', 'refused', 'of', 'answers'],
    refusing.map((run) => [run.name, `${run.refused}`, `${run.orders}`, describeRefusals(run.failures)]),
  );
}

export function cpuTable(result: BenchResult): string {
  const names = [...new Set(result.runs.flatMap((r) => r.cpu.map((c) => c.name)))];
  const rows = result.runs.map((run) => [
    run.name,
    ...names.map((name) => n(run.cpu.find((c) => c.name === name)?.msPerOrder, 1)),
    n(run.clientCpuMsPerOrder, 1),
  ]);
  const last = result.runs[result.runs.length - 1];
  if (last)
    rows.push([
      'RSS MB after last run (peak)',
      ...names.map((name) => {
        const cost = last.cpu.find((c) => c.name === name);
        return cost ? `${n(cost.rssMb)} (${n(cost.peakRssMb)})` : '–';
      }),
      '',
    ]);
  return formatTable(['CPU ms per order', ...names, 'bench client'], rows);
}

export function quartersTable(result: BenchResult): string | undefined {
  const flat = result.runs.filter((r) => r.quarters && r.quarters.length === 4);
  if (flat.length === 0) return undefined;
  const rows = flat.flatMap((r) => {
    const q = r.quarters ?? [];
    const row = (label: string, values: number[]) => [`${r.name}: ${label}`, ...values.map((v) => n(v, 1)), n(values[3] / values[0], 2)];
    return [
      row(
        'orders/s',
        q.map((x) => x.perSecond),
      ),
      row(
        'CPU ms/order',
        q.map((x) => x.cpuMsPerOrder),
      ),
    ];
  });
  return formatTable(['flat run, per quarter', 'Q1', 'Q2', 'Q3', 'Q4', 'Q4 / Q1'], rows);
}

/** Document writes by collection, largest first: `(products 2.1, reservations 1.0)`; empty for one collection or none. */
function byCollection(writtenTo: Record<string, number> | undefined): string {
  const entries = Object.entries(writtenTo ?? {}).sort(([, a], [, b]) => b - a);
  if (entries.length < 2) return '';
  return `(${entries.map(([collection, count]) => `${collection} ${n(count, 1)}`).join(', ')})`;
}

/** Per order, per service: database commands (the top kinds), document writes, Kafka traffic; and the database's commits. */
export function censusTable(result: BenchResult): string | undefined {
  const runs = result.runs.filter((r) => r.census);
  if (runs.length === 0) return undefined;
  const rows: string[][] = [];
  for (const run of runs) {
    const census = run.census as Census;
    for (const s of census.services) {
      const commands = Object.entries(s.commands).sort(([, a], [, b]) => b - a);
      const sum = commands.reduce((acc, [, count]) => acc + count, 0);
      rows.push([
        `${run.name}: ${s.service}`,
        n(sum, 1),
        commands
          .slice(0, 4)
          .map(([name, count]) => `${name} ${n(count, 1)}`)
          .join(', '),
        [n(s.documentsWritten, 1), byCollection(s.writtenTo)].filter(Boolean).join(' '),
        n(s.produced, 1),
        `${n(s.consumed, 1)} (${n(s.ignored, 1)})`,
        n(s.produceRequests, 2),
        n(s.fetchRequests, 2),
        n(s.commitRequests, 2),
      ]);
    }
    if (census.database)
      rows.push([
        `${run.name}: database journal`,
        '',
        `${n(census.database.records, 1)} records in ${n(census.database.commits, 2)} commits`,
        '',
        '',
        '',
        '',
        '',
        '',
      ]);
  }
  return formatTable(
    [
      'census, per order',
      'db commands',
      'most issued',
      'docs written',
      'produced',
      'consumed (ignored)',
      'produce req',
      'fetch req',
      'commit req',
    ],
    rows,
  );
}

/** The flat-reads run: each measure at each amount of stored orders, and the last over the first. */
export function storedTable(result: BenchResult): string | undefined {
  const stored = result.stored;
  if (!stored || stored.points.length === 0) return undefined;
  const points = stored.points;
  const row = (label: string, values: number[], digits = 1) => [
    label,
    ...values.map((v) => n(v, digits)),
    n(values[values.length - 1] / values[0], 2),
  ];
  const rows: string[][] = [];
  const readRows = (label: string, readsOf: (p: (typeof points)[number]) => StoredResult['points'][number]['reads']) => {
    for (const { route } of readsOf(points[0])) {
      const of = (p: (typeof points)[number]) => readsOf(p).find((r) => r.route === route)?.latencyMs;
      rows.push(
        row(
          `${route}${label}: p50 ms`,
          points.map((p) => of(p)?.p50 ?? NaN),
        ),
      );
      rows.push(
        row(
          `${route}${label}: p99 ms`,
          points.map((p) => of(p)?.p99 ?? NaN),
        ),
      );
    }
  };
  readRows('', (p) => p.reads);
  readRows(' (right after storing)', (p) => p.readsAfterStoring);
  for (const name of Object.keys(points[0].idleCores))
    rows.push(
      row(
        `idle: ${name}, % of a core`,
        points.map((p) => (p.idleCores[name] ?? NaN) * 100),
      ),
    );
  rows.push(
    row(
      'one order at a time: p50 ms',
      points.map((p) => p.single.p50),
      0,
    ),
  );
  rows.push(
    row(
      'one order at a time: p99 ms',
      points.map((p) => p.single.p99),
      0,
    ),
  );
  rows.push(
    row(
      'one order at a time: max ms',
      points.map((p) => p.single.max),
      0,
    ),
  );
  const table = formatTable([`${stored.name}`, ...points.map((p) => `${p.storedOrders} stored`), 'last / first'], rows);
  const refused = refusedCount(stored.failures);
  return refused > 0 ? `${table}\n\nREFUSED ${refused} POST /orders while storing: ${describeRefusals(stored.failures)}` : table;
}

export function renderReport(result: BenchResult): string {
  const measuredLimits = result.limits.kafka.length > 0 || result.limits.database !== undefined || result.limits.intake.length > 0;
  const runs = result.runs.length > 0;
  return [
    measuredLimits && limitsTable(result.limits),
    runs && runsTable(result),
    refusalsTable(result),
    runs && cpuTable(result),
    censusTable(result),
    quartersTable(result),
    storedTable(result),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Writes bench-<timestamp>.json and latency-<timestamp>.svg, and copies them as latest.json / latency.svg. */
export function writeReport(outDir: string, result: BenchResult): { json: string; svg: string } {
  mkdirSync(outDir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const open = result.runs.filter((r) => r.kind === 'open' && r.offered !== undefined);
  const svg = latencySvg(
    open.map((r) => ({ offered: r.offered as number, p50: r.latencyMs.p50, p95: r.latencyMs.p95, p99: r.latencyMs.p99 })),
    `Orderflow: PENDING → final latency vs offered load (${result.startedAt})`,
  );
  const files = { json: join(outDir, `bench-${stamp}.json`), svg: join(outDir, `latency-${stamp}.svg`) };
  writeFileSync(files.json, json);
  writeFileSync(join(outDir, 'latest.json'), json);
  writeFileSync(files.svg, svg);
  writeFileSync(join(outDir, 'latency.svg'), svg);
  return files;
}
