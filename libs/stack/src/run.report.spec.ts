import { runSummary, type SkippedRecord } from './run.report';

const skipped = (path: string[], why: string, file = 'src/crash.e2e.spec.ts'): SkippedRecord => ({ kind: 'skipped', file, path, why });

describe('runSummary', () => {
  it('says so when nothing was throttled and everything ran', () => {
    expect(runSummary([])).toEqual(['rate limits: no request was answered 429']);
  });

  it('counts the 429s per service and names the longest wait', () => {
    const lines = runSummary([
      { kind: 'throttled', target: 'order-api', waitMs: 12_000 },
      { kind: 'throttled', target: 'points-service', waitMs: 59_400 },
      { kind: 'throttled', target: 'order-api', waitMs: 1_000 },
    ]);
    expect(lines).toEqual([
      'rate limits: 3 answers 429 (order-api 2, points-service 1), each sent again after its Retry-After; the longest wait 59 s',
    ]);
  });

  it('names every test not run, under its describe block and the reason the block gives', () => {
    const why = 'it kills each service with SIGKILL mid-flight and starts it again';
    const lines = runSummary([
      skipped(['killed mid-flight', 'inventory-service'], why),
      skipped(['killed mid-flight', 'order-api'], why),
      skipped(['configuration', 'PORT=eighty'], 'it starts each service with a malformed variable', 'src/health.e2e.spec.ts'),
    ]);
    expect(lines.slice(1)).toEqual([
      'not run: 3 tests',
      `  src/crash.e2e.spec.ts › killed mid-flight (2 tests), because ${why}:`,
      '    - inventory-service',
      '    - order-api',
      '  src/health.e2e.spec.ts › configuration (1 test), because it starts each service with a malformed variable:',
      '    - PORT=eighty',
    ]);
  });
});
