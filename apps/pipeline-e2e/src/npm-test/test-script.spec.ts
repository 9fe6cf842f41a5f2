import { runScript } from './script.sandbox';

/**
 * `npm test` (tools/test.sh) with every step stubbed: what its summary says, and how it
 * calls Nx, for each kind of infrastructure `npm run infra -- up` can find.
 */
function npmTest(mode: 'local' | 'docker' | 'external') {
  return runScript('tools/test.sh', {
    'tools/deps.sh': '',
    'tools/infra.sh': `mkdir -p .infra; if [ "$1" = up ]; then echo env > .infra/env; echo ${mode} > .infra/mode; else rm -f .infra/env .infra/mode; fi`,
    'tools/audit.sh': 'echo "audit" >> "$CALLS"',
    'tools/fuzz.sh': 'echo "fuzz $*" >> "$CALLS"',
    'bin/npx': 'echo "npx $*" >> "$CALLS"; echo "Tests:       1 passed, 1 total"',
  });
}

const summaryLine = (output: string, step: string) =>
  output
    .split('\n')
    .find((line) => line.trimStart().startsWith(step))
    ?.trim();

describe('npm test (tools/test.sh)', () => {
  it.each(['docker', 'external'] as const)('with %s infrastructure, says which steps it skipped and why', (mode) => {
    const run = npmTest(mode);
    expect(run.status).toBe(0);
    expect(summaryLine(run.output, 'database durability (SIGKILL)')).toMatch(
      new RegExp(`SKIPPED \\(the infrastructure is ${mode}, .+\\)$`),
    );
    expect(summaryLine(run.output, 'fault injection (--ci)')).toMatch(new RegExp(`SKIPPED \\(the infrastructure is ${mode}, .+\\)$`));
    expect(run.calls.some((call) => call.includes('mongodb.durability') || call.includes('chaos.main'))).toBe(false);
  });

  it('with the local infrastructure, runs those steps', () => {
    const run = npmTest('local');
    expect(summaryLine(run.output, 'database durability (SIGKILL)')).toMatch(/passed$/);
    expect(summaryLine(run.output, 'fault injection (--ci)')).toMatch(/passed$/);
  });

  it('checks the formatting of the whole tree, and says so in the summary', () => {
    const run = npmTest('local');
    expect(run.calls.some((call) => call.startsWith('npx prettier --check'))).toBe(true);
    expect(summaryLine(run.output, 'formatting')).toMatch(/passed$/);
  });

  it('never replays test results from the Nx cache', () => {
    const nx = npmTest('local').calls.filter((call) => call.startsWith('npx nx '));
    expect(nx.length).toBeGreaterThanOrEqual(2);
    for (const call of nx) expect(call).toContain('--skip-nx-cache');
  });
});
