export interface StackOptions {
  /** Rate-limit variables for the stack's services; empty: the services' own defaults, as `npm start` runs them. */
  limits: Record<string, string>;
  /** Passed on to `nx e2e pipeline-e2e --configuration=external`, e.g. `--testPathPatterns=orders`. */
  suiteArgs: string[];
}

export const STACK_USAGE = `Usage: npx tsx --tsconfig apps/pipeline-e2e/tsconfig.spec.json apps/pipeline-e2e/src/external/stack.main.ts [flags] [-- <suite flags>]

Builds the four services and starts them as npm start runs them (a token issuer of their
own, the services' default rate limits unless given) with databases of their own, runs
nx e2e pipeline-e2e --configuration=external against them, and stops them again. Needs the
infrastructure up (npm run infra -- up).

  --rate-limit-per-caller <n>   RATE_LIMIT_PER_CALLER of the services (default: theirs, 600)
  --rate-limit-per-ip <n>       RATE_LIMIT_PER_IP of the services (default: theirs, 120)
  -- <suite flags>              passed to the suite, e.g. -- --testPathPatterns=orders

Exits with the suite's exit code; 1 when a service did not stop cleanly; 2 for bad flags.`;

export class StackUsageError extends Error {}

const FLAGS: Record<string, string> = {
  '--rate-limit-per-caller': 'RATE_LIMIT_PER_CALLER',
  '--rate-limit-per-ip': 'RATE_LIMIT_PER_IP',
};

export function parseStackArgs(argv: string[]): StackOptions | 'help' {
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  const suiteArgs = end === -1 ? [] : argv.slice(end + 1);
  const limits: Record<string, string> = {};
  for (let i = 0; i < own.length; i++) {
    const [flag, inline] = own[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') return 'help';
    const variable = FLAGS[flag];
    if (!variable) throw new StackUsageError(`unknown flag ${own[i]}; the suite's own flags go after --`);
    const value = inline ?? own[++i];
    if (value === undefined || !/^[1-9]\d*$/.test(value))
      throw new StackUsageError(`${flag} must be a whole number above 0, got ${value === undefined ? 'nothing' : `"${value}"`}`);
    limits[variable] = value;
  }
  return { limits, suiteArgs };
}
