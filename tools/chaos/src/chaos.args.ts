import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from './chaos.faults';

export interface ChaosOptions {
  /** One scenario per fault kind (the default), the short selection of `npm test`, or one long mixed run. */
  mode: 'scenarios' | 'ci' | 'long';
  kinds: FaultKind[];
  durationSeconds: number;
  seed: number;
  rate: number;
  replicas: number;
}

export const CHAOS_USAGE = `Usage: npm run chaos -- [flags]

  (no flags)           one scenario per fault kind, each under load, two replicas of every service
  --only <kinds>       only these scenarios, comma-separated: ${FAULT_KINDS.join(', ')}
  --ci                 the short, deterministic selection npm test runs
  --long               one long run with every kind of fault mixed, chosen by --seed
  --duration <s>       length of the long run's load (default 600)
  --seed <n>           seed of the orders and of the long run's faults (default 1)
  --rate <n>           orders per second offered (default 5)
  --replicas <n>       replicas of each service (default 2)

Exits 0 when every scenario lost, doubled and oversold nothing; 1 otherwise; 2 for bad flags.`;

export class ChaosUsageError extends Error {}

const positive = (flag: string, value: string | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new ChaosUsageError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
  return Number(value);
};

export function parseChaosArgs(argv: string[]): ChaosOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        only: { type: 'string' },
        ci: { type: 'boolean', default: false },
        long: { type: 'boolean', default: false },
        duration: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        replicas: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new ChaosUsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.ci && values.long) throw new ChaosUsageError('--ci and --long exclude each other');
  if (values.duration !== undefined && !values.long) throw new ChaosUsageError('--duration is for --long');
  const kinds = values.only === undefined ? [...FAULT_KINDS] : values.only.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new ChaosUsageError(`unknown fault kind ${unknown.join(', ')}: use ${FAULT_KINDS.join(', ')}`);
  return {
    mode: values.ci ? 'ci' : values.long ? 'long' : 'scenarios',
    kinds: kinds as FaultKind[],
    durationSeconds: positive('--duration', values.duration, 600, 86_400),
    seed: positive('--seed', values.seed, 1, 2 ** 31),
    rate: positive('--rate', values.rate, 5, 200),
    replicas: positive('--replicas', values.replicas, 2, 6),
  };
}
