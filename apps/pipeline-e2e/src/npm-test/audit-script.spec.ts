import { runScript } from './script.sandbox';

/** `npm run audit` (tools/audit.sh) with npm answering as given: the report on stdout, and its exit code. */
function audit(report: unknown, npmExit: number) {
  return runScript('tools/audit.sh', {
    'bin/npm': `cat <<'JSON'\n${report === undefined ? '' : JSON.stringify(report)}\nJSON\nexit ${npmExit}`,
  });
}

const counts = (severities: Partial<Record<'info' | 'low' | 'moderate' | 'high' | 'critical', number>>) => {
  const all = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...severities };
  return { vulnerabilities: { ...all, total: Object.values(all).reduce((a, b) => a + b, 0) } };
};
const withAdvisory = (severity: string, severities: Parameters<typeof counts>[0]) => ({
  auditReportVersion: 2,
  vulnerabilities: { 'some-package': { name: 'some-package', severity, range: '<1.2.3' } },
  metadata: counts(severities),
});

describe('npm run audit (tools/audit.sh)', () => {
  it('passes with no advisories', () => {
    expect(audit({ auditReportVersion: 2, vulnerabilities: {}, metadata: counts({}) }, 0)).toMatchObject({ status: 0 });
  });

  // npm audit itself exits 1 for an advisory of any severity.
  it.each([
    ['low', { low: 1 }],
    ['moderate', { moderate: 2 }],
  ] as const)('passes with only a %s advisory, and says so', (severity, severities) => {
    const run = audit(withAdvisory(severity, severities), 1);
    expect(run.status).toBe(0);
    expect(run.output).toContain('high or critical: 0');
  });

  it.each([['high'], ['critical']] as const)('fails on a %s advisory, naming the package', (severity) => {
    const run = audit(withAdvisory(severity, { [severity]: 1 }), 1);
    expect(run.status).toBe(1);
    expect(run.output).toContain(`${severity}: some-package`);
  });

  it('says NOT CHECKED (exit 3) when the advisory endpoint cannot be reached', () => {
    const unreachable = {
      error: {
        code: 'ENOTFOUND',
        summary:
          'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
        detail: '',
      },
    };
    const run = audit(unreachable, 1);
    expect(run.status).toBe(3);
    expect(run.output).toContain('NOT CHECKED');
  });

  it('says NOT CHECKED (exit 3) when the registry answers the advisory request with an HTTP error, naming it', () => {
    const refused = {
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    };
    const run = audit(refused, 1);
    expect(run.status).toBe(3);
    expect(run.output).toContain('405 Method Not Allowed');
  });

  it.each([
    [
      'npm refuses to run',
      {
        error: {
          code: 'ENOLOCK',
          summary: 'This command requires an existing lockfile.',
          detail: 'Try creating one first with: npm i --package-lock-only',
        },
      },
    ],
    ['npm prints no report', undefined],
  ])('fails (exit 1) when %s, rather than passing it off as not checked', (_, report) => {
    const run = audit(report, 1);
    expect(run.status).toBe(1);
    expect(run.output).not.toContain('NOT CHECKED');
    expect(run.output).toContain('npm audit failed');
  });
});
