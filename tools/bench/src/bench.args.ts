/** What one `npm run bench` does; every field has a default, flags override them. */
export interface BenchOptions {
  /** Closed-loop bursts: `orders` orders from `clients` concurrent clients, each waiting for its answer. */
  bursts: { orders: number; clients: number }[];
  /** Open-loop runs: orders offered at these rates (orders/s), whatever the answers. */
  rates: number[];
  /** Seconds each open-loop rate is offered for. */
  duration: number;
  /** Orders in the long flat-cost run (only that run, plus the limits); 0 = no flat run. */
  flat: number;
  /** Orders of the flash-sale run (all for one SKU with a stock of 5,000); 0 = no such run. */
  flash: number;
  /** The flat-reads run: store orders up to each of these counts and measure reads, idle CPU and single orders at each; empty = no such run. */
  stored: number[];
  /** Concurrent clients of the flat run. */
  flatClients: number;
  /** Messages sent through the broker by each Kafka client for the raw limit. */
  kafkaMessages: number;
  /** Seconds each raw database measurement runs for. */
  dbSeconds: number;
  /** Measure the limits (Kafka, database, bare intake) too. */
  limits: boolean;
  /** Seconds to wait for a run's orders to become final before calling it failed. */
  deadline: number;
  seed: number;
  out: string;
  /** Where to write CPU profiles of the services (.cpuprofile) and recordings of the broker and database (.jfr); none when unset. */
  profile?: string;
  /** Measure the stack `npm start` runs, as its client, instead of starting services of the bench's own. */
  running: boolean;
  /** Orders placed unreported before anything is measured, so the services' code is compiled as a long-running one's is. */
  warmUp: number;
}

export const DEFAULTS: BenchOptions = {
  bursts: [
    { orders: 500, clients: 32 },
    { orders: 2000, clients: 64 },
  ],
  rates: [10, 25, 50, 100, 150],
  duration: 15,
  flat: 0,
  flash: 0,
  stored: [],
  flatClients: 32,
  kafkaMessages: 100_000,
  dbSeconds: 5,
  limits: true,
  deadline: 1800,
  seed: 42,
  out: 'dist/bench',
  running: false,
  warmUp: 2000,
};

/** Small enough to finish in a couple of minutes on two busy cores; proves every part runs. */
const QUICK: Partial<BenchOptions> = {
  bursts: [{ orders: 60, clients: 8 }],
  rates: [5, 10],
  duration: 4,
  kafkaMessages: 10_000,
  dbSeconds: 1,
  deadline: 180,
  warmUp: 100,
};

export const USAGE =
  'usage: npm run bench -- [--quick] [--bursts 500x32,2000x64] [--rates 10,25,50] [--duration 15] ' +
  '[--flat 20000] [--flat-clients 32] [--flash [20000]] [--stored 1000,100000] [--kafka-messages 100000] [--db-seconds 5] [--no-limits] ' +
  '[--deadline 1800] [--seed 42] [--out dist/bench] [--profile DIR] [--running] [--warm-up 2000]';

/** A flag the user got wrong: printed as one line with the usage, never as a stack trace. */
export class UsageError extends Error {}

const positiveInt = (flag: string, text: string | undefined): number => {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${flag} needs a whole number above 0, got ${text ?? 'nothing'}`);
  return Number(text);
};

const positiveNumber = (flag: string, text: string | undefined): number => {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0)
    throw new UsageError(`${flag} needs a number above 0, got ${text ?? 'nothing'}`);
  return Number(text);
};

const burst = (text: string) => {
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw new UsageError(`--bursts takes ORDERSxCLIENTS pairs like 500x32, got ${text}`);
  return { orders: Number(match[1]), clients: Number(match[2]) };
};

const list = (flag: string, text: string | undefined): string[] => {
  if (!text) throw new UsageError(`${flag} needs a comma-separated list`);
  return text.split(',');
};

/**
 * Parses the command line. `--quick` sets small defaults first, so explicit flags still
 * win wherever they appear; `--flat` alone runs only the flat run (and the limits).
 */
export function parseArgs(argv: readonly string[]): BenchOptions | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const options: BenchOptions = { ...DEFAULTS, ...(argv.includes('--quick') ? QUICK : {}) };
  let loadGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (name) {
      case '--quick':
        break;
      case '--no-limits':
        options.limits = false;
        break;
      case '--bursts':
        options.bursts = list(name, value()).map(burst);
        loadGiven = true;
        break;
      case '--rates':
        options.rates = list(name, value()).map((rate) => positiveNumber(name, rate));
        loadGiven = true;
        break;
      case '--duration':
        options.duration = positiveNumber(name, value());
        break;
      case '--flat':
        options.flat = positiveInt(name, value());
        break;
      case '--flash': {
        // The count is optional: `--flash` alone is the 20,000 orders of the flash sale.
        const next = inline ?? argv[i + 1];
        options.flash = next !== undefined && /^\d+$/.test(next) ? positiveInt(name, inline ?? argv[++i]) : 20_000;
        break;
      }
      case '--stored':
        options.stored = list(name, value()).map((count) => positiveInt(name, count));
        if (options.stored.some((count, i) => i > 0 && count <= options.stored[i - 1]))
          throw new UsageError('--stored takes growing counts, like 1000,100000');
        break;
      case '--flat-clients':
        options.flatClients = positiveInt(name, value());
        break;
      case '--kafka-messages':
        options.kafkaMessages = positiveInt(name, value());
        break;
      case '--db-seconds':
        options.dbSeconds = positiveNumber(name, value());
        break;
      case '--deadline':
        options.deadline = positiveNumber(name, value());
        break;
      case '--warm-up':
        options.warmUp = positiveInt(name, value());
        break;
      case '--seed':
        options.seed = positiveInt(name, value());
        break;
      case '--out': {
        const out = value();
        if (!out) throw new UsageError('--out needs a directory');
        options.out = out;
        break;
      }
      case '--running':
        options.running = true;
        break;
      case '--profile': {
        const dir = value();
        if (!dir) throw new UsageError('--profile needs a directory');
        options.profile = dir;
        break;
      }
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  if ((options.flat > 0 || options.flash > 0 || options.stored.length > 0) && !loadGiven) {
    options.bursts = [];
    options.rates = [];
  }
  if (options.running) {
    // The processes are npm start's: the bench cannot give them a profiler.
    if (options.profile) throw new UsageError('--profile needs services the bench starts itself; drop --running');
    // As a shop's peak would meet it: one burst unless told otherwise. The limits are not
    // measured: their own processes would share the cores with a stack the bench cannot pause.
    if (!loadGiven && options.flat === 0 && options.flash === 0 && options.stored.length === 0) {
      options.bursts = [{ orders: 2000, clients: 64 }];
      options.rates = [];
    }
    options.limits = false;
  }
  return options;
}
