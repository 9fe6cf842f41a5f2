import { formatTable, refusalsTable, storedTable, renderReport, runOk, runVerdict, type BenchResult, type RunResult } from './bench.report';

describe('formatTable', () => {
  it('aligns a Markdown-compatible table: first column left, the others right', () => {
    expect(
      formatTable(
        ['run', 'orders/s'],
        [
          ['burst', '7.5'],
          ['open 100/s', '12.25'],
        ],
      ),
    ).toBe(['| run        | orders/s |', '|------------|---------:|', '| burst      |      7.5 |', '| open 100/s |    12.25 |'].join('\n'));
  });
});

const run = (overrides: Partial<RunResult> = {}): RunResult => ({
  name: 'burst 100×8',
  kind: 'closed',
  orders: 100,
  clients: 8,
  accepted: 100,
  refused: 0,
  failures: {},
  statuses: { CONFIRMED: 90, REJECTED: 10 },
  intakePerSecond: 50,
  finalPerSecond: 48,
  latencyMs: { count: 100, p50: 100, p95: 200, p99: 300, max: 400 },
  kafkaMessages: 600,
  kafkaMessagesPerSecond: 300,
  cpu: [{ name: 'total', cpuSeconds: 3.7, msPerOrder: 37, rssMb: 100, peakRssMb: 120 }],
  clientCpuMsPerOrder: 1,
  allFinal: true,
  invariants: { checks: [], ok: true },
  ...overrides,
});

const result = (runs: RunResult[]): BenchResult => ({
  startedAt: '2026-12-04T00:00:00Z',
  machine: { cpus: 2, memoryGb: 8, node: 'v22' },
  options: {} as BenchResult['options'],
  limits: { kafka: [], intake: [] },
  runs,
});

describe('a run with refused orders', () => {
  const refusing = run({ accepted: 93, refused: 7, failures: { '429': 5, '503': 1, '0': 1 } });

  it('is not ok, and its verdict says how many were refused', () => {
    expect(runVerdict(refusing)).toBe('REFUSED 7');
    expect(runOk(refusing)).toBe(false);
    expect(runOk(run())).toBe(true);
  });

  it('still reports a broken invariant or unfinished orders first', () => {
    expect(runVerdict({ ...refusing, invariants: { checks: [{ name: 'stock', violations: ['x'] }], ok: false } })).toBe('BROKEN');
    expect(runVerdict({ ...refusing, allFinal: false })).toBe('NOT FINAL');
  });

  it('shows the refused count in the runs table and what the API answered in the report', () => {
    const report = renderReport(result([run({ name: 'clean' }), refusing]));
    const rows = report.split('\n');
    const header = rows.find((l) => l.startsWith('| run '));
    expect(header).toMatch(/\|\s*refused \|/);
    expect(header).toMatch(/\|\s*verdict \|/);
    const runRow = (name: string) =>
      rows
        .find((l) => l.startsWith(`| ${name} `))
        ?.split('|')
        .map((c) => c.trim());
    expect(runRow('clean')?.slice(1, 4)).toEqual(['clean', '100', '0']);
    expect(runRow('clean')).toContain('ok');
    expect(runRow('burst 100×8')?.slice(1, 4)).toEqual(['burst 100×8', '93', '7']);
    expect(runRow('burst 100×8')).toContain('REFUSED 7');
    expect(refusalsTable(result([refusing]))).toContain('429 ×5, no answer ×1, 503 ×1');
    expect(report).toContain('429 ×5, no answer ×1, 503 ×1');
  });

  it('adds no refusals table when every order was accepted', () => {
    expect(refusalsTable(result([run()]))).toBeUndefined();
  });
});

describe('the flat-reads report', () => {
  it('says how many orders were refused while storing, and by what answer', () => {
    const stored = {
      name: 'stored 1000 orders',
      points: [
        {
          storedOrders: 1000,
          reads: [],
          readsAfterStoring: [],
          idleCores: {},
          idleSeconds: 5,
          single: { count: 1, p50: 1, p95: 1, p99: 1, max: 1 },
        },
      ],
      failures: { '429': 2 },
    };
    expect(storedTable({ ...result([]), stored })).toContain('REFUSED 2 POST /orders while storing: 429 ×2');
    expect(storedTable({ ...result([]), stored: { ...stored, failures: {} } })).not.toContain('REFUSED');
  });
});
