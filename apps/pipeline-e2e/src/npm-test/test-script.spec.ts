import { runScript } from './script.sandbox';

/**
 * `npm test` (tools/test.sh) with every step stubbed but the sourced infra.lib.sh: what its
 * summary says, how it calls Nx, and when it starts and stops the infrastructure, for each
 * kind of infrastructure `npm run infra -- up` can find. The stubbed launcher records its
 * calls and writes to $INFRA_DIR as the real one does. `alreadyRunning` is bash run first (as
 * the stubbed deps.sh, which test.sh sources before anything else): it leaves an
 * infrastructure's files behind, as if one were running.
 */
function npmTest(mode: 'local' | 'docker' | 'external', env: Record<string, string> = {}, alreadyRunning = '') {
  const dir = '"${INFRA_DIR:-.infra}"';
  return runScript(
    'tools/test.sh',
    {
      'tools/deps.sh': alreadyRunning,
      'tools/infra.sh': `echo "infra $1" >> "$CALLS"; mkdir -p ${dir}; if [ "$1" = up ]; then echo KAFKA_BROKERS=stub:9092 > ${dir}/env; echo ${mode} > ${dir}/mode; else rm -f ${dir}/env ${dir}/mode; fi`,
      'tools/audit.sh': 'echo "audit" >> "$CALLS"',
      'tools/fuzz.sh': 'echo "fuzz $*" >> "$CALLS"',
      'bin/npx': 'echo "npx $*" >> "$CALLS"; echo "Tests:       1 passed, 1 total"',
    },
    [],
    { copy: ['tools/infra.lib.sh'], env },
  );
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
    expect(run.calls.some((call) => call.includes('infra:durability') || call.includes('chaos.main'))).toBe(false);
  });

  it('with the local infrastructure, runs those steps', () => {
    const run = npmTest('local');
    expect(summaryLine(run.output, 'database durability (SIGKILL)')).toMatch(/passed$/);
    expect(summaryLine(run.output, 'fault injection (--ci)')).toMatch(/passed$/);
  });

  it('starts the infrastructure it needs, and stops it before the summary', () => {
    const run = npmTest('local');
    expect(run.calls.filter((call) => call.startsWith('infra '))).toEqual(['infra up', 'infra down']);
    expect(run.output.indexOf('• Stopping the infrastructure this run started')).toBeLessThan(run.output.indexOf('Summary'));
  });

  it('uses an infrastructure that runs as it is, and leaves it running', () => {
    const run = npmTest('local', {}, 'mkdir -p .infra; echo KAFKA_BROKERS=x:1 > .infra/env; echo local > .infra/mode');
    expect(run.status).toBe(0);
    expect(run.calls.some((call) => call.startsWith('infra '))).toBe(false);
    expect(run.output).toContain('• Using the infrastructure running in');
  });

  it('honours INFRA_DIR: its mode decides which steps run', () => {
    const run = npmTest(
      'docker',
      { INFRA_DIR: 'elsewhere' },
      'mkdir -p elsewhere; echo KAFKA_BROKERS=x:1 > elsewhere/env; echo local > elsewhere/mode',
    );
    expect(run.calls.some((call) => call.startsWith('infra '))).toBe(false);
    expect(summaryLine(run.output, 'database durability (SIGKILL)')).toMatch(/passed$/);
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
