/**
 * `npm run chaos`: the fault-injection suite. Runs the four services (several replicas each)
 * against a Kafka broker and a database of its own, puts them under steady load from the
 * benchmark's generator, injects faults, lets the system recover, checks every invariant of
 * SPEC.md and prints a table. See CHAOS_USAGE and docs/testing.md, "Fault injection".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startTokenIssuer, type TokenIssuerProcess } from '@orderflow/testing';
import { securityEnv, seededRandom, SERVICES, type ServiceName } from '@orderflow/stack';
import { CHAOS_USAGE, ChaosUsageError, parseChaosArgs, type ChaosOptions } from './chaos.args';
import { FAULT_KINDS, type FaultContext, type FaultKind } from './chaos.faults';
import { ChaosFleet } from './chaos.fleet';
import { passed, resultTable, violations } from './chaos.report';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './chaos.scenario';
import { PrivateInfra } from './private.infra';

const ROOT = resolve(__dirname, '../../..');
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Faster retries than the defaults, so recovery after a fault is measured, not the backoff's cap. */
const SERVICE_ENV = { CONSUMER_RETRY_MAX_MS: '2000', OUTBOX_SWEEP_INTERVAL_MS: '2000' };

/** Rounds of each fault in its own scenario: the ones that are cheap and random are repeated. */
const ROUNDS: Record<FaultKind, number> = {
  'service-kill': 5,
  'replica-churn': 2,
  'broker-kill': 1,
  'broker-term': 1,
  'database-restart': 1,
  'database-cut': 1,
  'kafka-cut': 1,
  'kafka-freeze': 1,
  poison: 1,
};
const CI_ROUNDS: Partial<Record<FaultKind, number>> = {
  'service-kill': 3,
  'broker-kill': 1,
  'database-restart': 1,
  'kafka-cut': 1,
  poison: 1,
};

function scenarios(options: ChaosOptions): ScenarioSpec[] {
  const { rate, seed } = options;
  if (options.mode === 'long') {
    const others = FAULT_KINDS.filter((k) => k !== 'service-kill' && options.kinds.includes(k));
    // Half the faults kill a service replica; the rest are the other kinds, evenly.
    const next = (random: () => number): FaultKind =>
      others.length === 0 || (options.kinds.includes('service-kill') && random() < 0.5)
        ? 'service-kill'
        : others[Math.floor(random() * others.length)];
    return [{ name: `mixed ${options.durationSeconds} s, seed ${seed}`, faults: next, loadSeconds: options.durationSeconds, rate, seed }];
  }
  const rounds = options.mode === 'ci' ? CI_ROUNDS : ROUNDS;
  return options.kinds
    .filter((kind) => rounds[kind] !== undefined)
    .map((kind, i) => ({
      name: kind,
      faults: Array.from({ length: rounds[kind] as number }, () => kind),
      loadSeconds: options.mode === 'ci' ? 12 : 25,
      rate: options.mode === 'ci' ? Math.min(rate, 4) : rate,
      seed: seed + i,
    }));
}

async function main(argv: string[]): Promise<number> {
  // `--check-args`: only validate the flags (tools/chaos.sh, before it spends a build on them).
  const checkOnly = argv.includes('--check-args');
  const options = parseChaosArgs(argv.filter((a) => a !== '--check-args'));
  if (checkOnly) return 0;
  if (options === 'help') {
    process.stdout.write(`${CHAOS_USAGE}\n`);
    return 0;
  }
  const specs = scenarios(options);
  const replicas = Object.fromEntries(SERVICES.map((s) => [s.name, options.replicas])) as Record<ServiceName, number>;
  const run = Date.now().toString(36);
  const infra = await PrivateInfra.start(log);
  let fleet: ChaosFleet | undefined;
  let issuer: TokenIssuerProcess | undefined;
  // Ctrl-C, or a failure nothing awaited, must not leave a broker, a database and eight
  // services running behind.
  const abandon = (code: number) => () => {
    log('stopping the services and the private infrastructure');
    void (fleet?.stop() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => issuer?.stop())
      .then(() => infra.stop())
      .finally(() => process.exit(code));
  };
  process.once('SIGINT', abandon(130));
  process.once('SIGTERM', abandon(143));
  process.once('unhandledRejection', (error) => {
    log(`failed: ${(error as Error)?.stack ?? String(error)}`);
    abandon(1)();
  });
  const results: ScenarioResult[] = [];
  try {
    // The stack client (lag, reads) finds Kafka and the database here.
    process.env['KAFKA_BROKERS'] = infra.brokers;
    process.env['MONGODB_URI'] = infra.mongoUri;
    // The services trust a token issuer of this run's; the stack client and the load
    // generator get their tokens from it (TOKEN_ISSUER_URL).
    issuer = await startTokenIssuer();
    process.env['TOKEN_ISSUER_URL'] = issuer.url;
    log(`starting ${options.replicas} replicas of each service`);
    fleet = await ChaosFleet.start(run, infra, replicas, { ...securityEnv(issuer.url), ...SERVICE_ENV }, log);
    const ctx: FaultContext = { infra, fleet, random: seededRandom(options.seed), log, poisoned: new Map() };
    for (const spec of specs) {
      const result = await runScenario(spec, ctx);
      results.push(result);
      log(`${spec.name}: ${passed(result) ? 'ok' : 'BROKEN'} in ${result.seconds.toFixed(0)} s`);
      for (const line of violations(result)) log(`  ${line}`);
    }
  } finally {
    const logs = join(ROOT, 'dist/chaos/logs', run);
    fleet?.saveLogs(logs);
    log(`the services' output is in ${logs}`);
    await fleet?.stop().catch((error: Error) => log(`stopping the services: ${error.message}`));
    await issuer?.stop();
    await infra.stop();
  }
  const table = resultTable(results);
  process.stdout.write(
    `\n${table}\n\nMeasured on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${options.replicas} replicas of each service, ${specs[0]?.rate ?? options.rate} orders/s offered, seed ${options.seed}.\n`,
  );
  const out = join(ROOT, 'dist/chaos');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ options, results }, null, 2));
  writeFileSync(join(out, 'latest.md'), `${table}\n`);
  return results.every(passed) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof ChaosUsageError) {
      process.stderr.write(`chaos: ${error.message}\n${CHAOS_USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`chaos: failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
