/**
 * `npm run bench` (tools/bench.sh builds the services and brings the infrastructure up
 * first): starts the four services with fresh databases, measures the limits of the
 * machine and the pipeline's runs, prints the tables and writes JSON and an SVG plot.
 * Exits 1 when an invariant broke, 2 on a bad flag.
 */
import { infraEnv } from '@orderflow/testing';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs, USAGE, UsageError, type BenchOptions } from './bench.args';
import { ProgressLine } from './bench.progress';
import { refusedCount, StackServices, infraPids, listensOn, FLASH, FLAT, planMix, STANDARD } from '@orderflow/stack';
import { renderReport, runOk, runVerdict, writeReport, type BenchResult, type Limits, type RunResult } from './bench.report';
import { measureRun, type RunSpec } from './bench.run';
import { intakeLimits } from './intake.limit';
import { kafkajsLimit, platformaticLimit } from './kafka.limit';
import { mongoLimit } from './mongo.limit';
import { measureStored, type StoredResult } from './stored.run';
import { clockTicks } from './process.cpu';
import { startJvmRecording } from './jvm.recording';
import { mkdirSync } from 'node:fs';
import { findRunningStack, NotRunningError, type RunningStack } from './running.stack';

const RED = (text: string) => (process.stdout.isTTY ? `\x1b[31m${text}\x1b[0m` : text);
const GREEN = (text: string) => (process.stdout.isTTY ? `\x1b[32m${text}\x1b[0m` : text);

function plannedRuns(options: BenchOptions, run: string): RunSpec[] {
  const specs: RunSpec[] = [];
  const tag = (i: number) => `b${run}-r${i}`;
  options.bursts.forEach(({ orders, clients }) => {
    const i = specs.length;
    specs.push({
      name: `closed ${orders} orders / ${clients} clients`,
      kind: 'closed',
      clients,
      mix: planMix({ ...STANDARD, tag: tag(i), orders, seed: options.seed + i }),
    });
  });
  options.rates.forEach((rate) => {
    const i = specs.length;
    const orders = Math.max(1, Math.round(rate * options.duration));
    specs.push({
      name: `open ${rate}/s for ${options.duration} s`,
      kind: 'open',
      rate,
      mix: planMix({ ...STANDARD, tag: tag(i), orders, seed: options.seed + i }),
    });
  });
  if (options.flash > 0) {
    const i = specs.length;
    specs.push({
      name: `flash ${options.flash} orders / 64 clients, 1 SKU of ${FLASH.stock}`,
      kind: 'closed',
      clients: 64,
      soldOut: true,
      mix: planMix({ ...FLASH, tag: tag(i), orders: options.flash, seed: options.seed + i }),
    });
  }
  if (options.flat > 0) {
    const i = specs.length;
    specs.push({
      name: `flat ${options.flat} orders / ${options.flatClients} clients, ${FLAT.skus} SKUs`,
      kind: 'flat',
      clients: options.flatClients,
      mix: planMix({ ...FLAT, tag: tag(i), orders: options.flat, seed: options.seed + i }),
    });
  }
  return specs;
}

async function measureLimits(options: BenchOptions, specs: RunSpec[], progress: ProgressLine): Promise<Limits> {
  const infra = infraEnv();
  const brokers = infra.KAFKA_BROKERS.split(',');
  progress.update('limits: Kafka with kafkajs');
  const kafka = [await kafkajsLimit(brokers, options.kafkaMessages)];
  progress.update('limits: Kafka with @platformatic/kafka');
  kafka.push(await platformaticLimit(brokers, options.kafkaMessages));
  progress.update('limits: database inserts and conditional updates');
  const database = await mongoLimit(infra.MONGODB_URI, options.dbSeconds);
  progress.update('limits: bare Nest intake');
  const closed = specs.filter((s) => s.clients !== undefined).map((s) => ({ plans: s.mix.orders, clients: s.clients as number }));
  const intake = await intakeLimits(infra, closed);
  return { kafka, database, intake };
}

async function main(argv: string[]): Promise<number> {
  const checkOnly = argv[0] === '--check-args';
  let options: BenchOptions | 'help';
  try {
    options = parseArgs(checkOnly ? argv.slice(1) : argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message} (npm run bench -- --help lists the flags)\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return checkOnly ? 3 : 0;
  }
  if (checkOnly) return 0;

  // The CPU figures must be of the broker and database the services talk to: refuse to run
  // when INFRA_DIR's processes are not the ones listening at KAFKA_BROKERS / MONGODB_URI.
  const infraDir = process.env['INFRA_DIR'] ?? resolve(__dirname, '../../../.infra');
  const infra = infraEnv();
  const pidsOfInfra = infraPids(infraDir);
  const portOf = (address: string) => Number(/:(\d+)(?:[/?,]|$)/.exec(address)?.[1]);
  for (const [name, address] of [
    ['kafka', infra.KAFKA_BROKERS],
    ['database', infra.MONGODB_URI],
  ] as const) {
    const pid = pidsOfInfra[name];
    if (pid !== undefined && !listensOn(pid, portOf(address))) {
      process.stderr.write(
        RED(`bench: ${address} is not served by the ${name} of ${infraDir} (pid ${pid}); check INFRA_DIR and its env file\n`),
      );
      return 1;
    }
  }

  const progress = new ProgressLine();
  const run = randomUUID().slice(0, 8);
  const startedAt = new Date().toISOString();
  const specs = plannedRuns(options, run);
  const profileDir = options.profile && resolve(options.profile);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  let services: StackServices | RunningStack;
  if (options.running) {
    try {
      services = findRunningStack();
    } catch (error) {
      if (!(error instanceof NotRunningError)) throw error;
      process.stderr.write(RED(`bench: ${error.message}\n`));
      return 1;
    }
    progress.log(`• Measuring the running stack: ${services.processes.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
  } else {
    progress.log(`• Starting the four services with fresh databases (run ${run})`);
    services = await StackServices.start(infra, run, 'bench', profileDir);
  }
  const stopServices = async (): Promise<string[]> => (services instanceof StackServices ? services.stop() : []);
  let stopping = false;
  const interrupt = () => {
    if (stopping) return;
    stopping = true;
    progress.log('• Interrupted: stopping the services');
    void stopServices().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const pids: Record<string, number> = {
      ...Object.fromEntries(services.processes.map((p) => [p.name, p.pid])),
      ...pidsOfInfra,
    };
    const ctx = { pids, mongoUri: infra.MONGODB_URI, ticksPerSecond: clockTicks(), deadlineSeconds: options.deadline, progress };

    // Orders first, unreported: the first thousand or so pay for V8 compiling the services' hot
    // code (a fresh process ran the 2,000-order burst at about 10 ms of CPU per order, a
    // warmed one at 6.5), and for connection set-up. A deployed service has long been warm.
    const warmUp = planMix({ ...STANDARD, scarceSkus: 0, cancelShare: 0, tag: `b${run}-warm`, orders: options.warmUp, seed: options.seed });
    progress.log(`• Warming up: ${options.warmUp} orders, not reported`);
    await measureRun({ name: 'warm-up', kind: 'closed', clients: Math.min(64, options.warmUp), mix: warmUp }, ctx);

    let limits: Limits = { kafka: [], intake: [] };
    if (options.limits) {
      limits = await measureLimits(options, specs, progress);
      progress.log('• Limits measured');
    }
    const recordings = profileDir
      ? Object.entries(pidsOfInfra).flatMap(([name, pid]) => startJvmRecording(pid, profileDir, name) ?? [])
      : [];
    const runs: RunResult[] = [];
    for (const spec of specs) {
      const result = await measureRun(spec, ctx);
      runs.push(result);
      const broken = result.invariants.checks.filter((c) => c.violations.length > 0);
      const line = `• ${result.name}: ${result.accepted} orders, ${result.finalPerSecond.toFixed(1)} final/s, p95 ${result.latencyMs.p95} ms`;
      progress.log(
        broken.length === 0 && result.allFinal
          ? `${line} — ${GREEN('invariants hold')}`
          : RED(
              `${line} — BROKEN: ${broken.map((c) => `${c.name} (${c.violations[0]}${c.violations.length > 1 ? ` and ${c.violations.length - 1} more` : ''})`).join('; ') || 'orders not final by the deadline'}`,
            ),
      );
    }

    let stored: StoredResult | undefined;
    if (options.stored.length > 0) {
      const name = `stored ${options.stored.join(' → ')} orders`;
      const mix = planMix({ ...FLAT, tag: `b${run}-stored`, orders: options.stored[options.stored.length - 1], seed: options.seed + 99 });
      stored = await measureStored(name, mix, options.stored, ctx);
      progress.log(`• ${name}: measured at ${stored.points.map((p) => p.storedOrders).join(', ')} stored orders`);
    }

    for (const recording of recordings) {
      const file = recording.stop();
      if (file) progress.log(`• Recording written: ${file}`);
    }
    if (profileDir) progress.log(`• The services write their CPU profiles to ${profileDir} as they stop`);

    const result: BenchResult = {
      startedAt,
      machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
      options,
      limits,
      runs,
      ...(stored && { stored }),
    };
    process.stdout.write(`\n${renderReport(result)}\n\n`);
    const files = writeReport(options.out, result);
    process.stdout.write(`Written: ${files.json} (and latest.json), ${files.svg} (and latency.svg)\n`);
    const failed = runs.filter((r) => !runOk(r)).map((r) => `${r.name} (${runVerdict(r)})`);
    if (stored && refusedCount(stored.failures) > 0) failed.push(`${stored.name} (REFUSED ${refusedCount(stored.failures)})`);
    if (failed.length > 0) {
      process.stdout.write(RED(`✗ not ok: ${failed.join(', ')}\n`));
      return 1;
    }
    return 0;
  } finally {
    const unclean = await stopServices();
    for (const line of unclean) process.stderr.write(RED(`${line}\n`));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(RED(`bench failed: ${error.message}\n`));
    process.exit(1);
  },
);
