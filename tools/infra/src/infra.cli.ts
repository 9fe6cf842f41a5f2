/**
 * Local infrastructure for Orderflow: a real Kafka broker and a MongoDB-wire-protocol
 * database, started and stopped by this tool.
 *
 *   infra up       start what is missing, wait until usable, create topics, print the env
 *   infra up --observability   also Jaeger v2 (built from source once), for traces
 *   infra down     stop what `up` started
 *   infra status   what runs and whether it answers
 *   infra logs [kafka|mongodb] [-f]
 *
 * Where things come from, in order: KAFKA_BROKERS and MONGODB_URI when both are set (start
 * nothing); a running Docker engine (docker/compose.yml); otherwise Kafka from Maven Central
 * jars and mongo-java-server (also from Maven Central jars), as processes tracked by pid files
 * under .infra/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, stopDaemon } from './daemon';
import { startJaeger } from './jaeger.local';
import { startKafka } from './kafka.local';
import { startMongo } from './mongodb.local';
import { INFRA_DIR, paths, ports, ROOT, UsageError } from './paths';
import { requireFreePort, requireJava17, requireTool } from './prerequisites';
import { createTopics, waitForKafka, waitForMongo } from './readiness';

type Mode = 'external' | 'docker' | 'local';

const COMPOSE = ['compose', '-f', join(ROOT, 'docker/compose.yml'), '-p', 'orderflow'];
const modeFile = join(INFRA_DIR, 'mode');

function detectMode(): Mode {
  if (process.env['KAFKA_BROKERS'] && process.env['MONGODB_URI']) return 'external';
  const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  return docker.status === 0 ? 'docker' : 'local';
}

async function startLocal(): Promise<{ brokers: string; uri: string }> {
  const p = ports();
  requireJava17();
  if (runningPid('mongodb') === undefined) {
    await requireFreePort(p.mongo, 'the MongoDB-wire database', 'MONGO_PORT');
    requireTool(
      'javac',
      ['-version'],
      'to compile the MongoDB-wire launcher',
      'install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)',
    );
  }
  if (runningPid('kafka') === undefined) {
    await requireFreePort(p.kafka, 'Kafka', 'KAFKA_PORT');
    await requireFreePort(p.kafkaController, "Kafka's controller", 'KAFKA_CONTROLLER_PORT');
  }
  if (runningPid('mongodb') === undefined || runningPid('kafka') === undefined) {
    requireTool('mvn', ['-v'], 'to fetch jars from Maven Central', 'install Maven (e.g. apt-get install maven)');
  }
  // Both start JVMs; overlapping them halves the wait on a first run.
  const [uri, brokers] = await Promise.all([startMongo(), startKafka()]);
  return { brokers, uri };
}

function startDocker(): { brokers: string; uri: string } {
  const p = ports();
  process.stdout.write('• Docker engine found: starting mongo and kafka with docker/compose.yml\n');
  const result = spawnSync('docker', [...COMPOSE, 'up', '-d', 'mongo', 'kafka'], {
    stdio: 'inherit',
    env: { ...process.env, KAFKA_PORT: String(p.kafka), MONGO_PORT: String(p.mongo) },
  });
  if (result.status !== 0) throw new UsageError('docker compose up failed (see its output above)');
  return { brokers: `127.0.0.1:${p.kafka}`, uri: `mongodb://127.0.0.1:${p.mongo}` };
}

async function up(options: { observability: boolean }): Promise<void> {
  const mode = detectMode();
  for (const dir of [paths.logs, paths.run, paths.data, paths.cache]) mkdirSync(dir, { recursive: true });
  writeFileSync(modeFile, mode);
  const { brokers, uri } =
    mode === 'external'
      ? { brokers: process.env['KAFKA_BROKERS'] as string, uri: process.env['MONGODB_URI'] as string }
      : mode === 'docker'
        ? startDocker()
        : await startLocal();
  const hint = (name: string) =>
    mode === 'local'
      ? `read ${paths.logFile(name)}`
      : mode === 'docker'
        ? `run: docker ${COMPOSE.join(' ')} logs`
        : 'check that it is reachable from here';
  process.stdout.write('• Waiting for MongoDB and Kafka to accept connections\n');
  await Promise.all([waitForMongo(uri, hint('mongodb')), waitForKafka(brokers, hint('kafka'))]);
  const created = await createTopics(brokers);
  process.stdout.write(`• Topics: ${created.length === 0 ? 'all present' : `created ${created.join(', ')}`}\n`);
  let env = `KAFKA_BROKERS=${brokers}\nMONGODB_URI=${uri}\n`;
  // Opt-in, and kept on by later `up`s once started: it takes a long build the first time.
  if (options.observability || runningPid('jaeger') !== undefined) {
    const jaeger = await startJaeger();
    // OTEL_* make `npm start` trace into it; JAEGER_* tell the e2e suite where to read traces.
    env += `OTEL_EXPORTER_OTLP_ENDPOINT=${jaeger.otlp}\nJAEGER_OTLP_HTTP_URL=${jaeger.otlp}\nJAEGER_QUERY_URL=${jaeger.query}\n`;
  }
  writeFileSync(paths.envFile, env);
  process.stdout.write(
    `\nInfrastructure is up (${mode}). Use:\n\n${env.trimEnd().replace(/^/gm, '  export ')}\n\n(also in ${paths.envFile})\n`,
  );
}

async function down(): Promise<void> {
  const mode = existsSync(modeFile) ? (readFileSync(modeFile, 'utf8') as Mode) : 'local';
  if (mode === 'docker') {
    spawnSync('docker', [...COMPOSE, 'down'], { stdio: 'inherit' });
  } else {
    for (const name of ['kafka', 'mongodb']) {
      const stopped = await stopDaemon(name);
      process.stdout.write(`• ${name}: ${stopped ? 'stopped' : 'was not running'}\n`);
    }
  }
  if (await stopDaemon('jaeger')) process.stdout.write('• jaeger: stopped\n');
  rmSync(paths.envFile, { force: true });
  rmSync(modeFile, { force: true });
}

function status(): void {
  const mode = existsSync(modeFile) ? readFileSync(modeFile, 'utf8') : 'not started';
  process.stdout.write(`mode: ${mode}\n`);
  for (const name of ['kafka', 'mongodb', 'jaeger']) {
    const pid = runningPid(name);
    process.stdout.write(`${name}: ${pid === undefined ? 'not running' : `running (pid ${pid})`}\n`);
  }
  if (existsSync(paths.envFile)) process.stdout.write(readFileSync(paths.envFile, 'utf8'));
}

function logs(args: string[]): void {
  const follow = args.includes('-f');
  const names = args.filter((a) => a !== '-f');
  const files = (names.length > 0 ? names : ['kafka', 'mongodb']).map((n) => {
    if (!['kafka', 'mongodb', 'jaeger', 'kafka-setup', 'mongodb-setup', 'jaeger-setup'].includes(n)) {
      throw new UsageError(`no log named ${n}: choose kafka, mongodb or jaeger`);
    }
    return paths.logFile(n);
  });
  spawn('tail', ['-n', '100', ...(follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
}

const USAGE = 'usage: infra up [--observability] | down | status | logs [kafka|mongodb|jaeger] [-f]';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const unknown = rest.filter((arg) => arg !== '--observability');
      if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}; ${USAGE}`);
      return up({ observability: rest.includes('--observability') });
    }
    case 'down':
      return down();
    case 'status':
      return status();
    case 'logs':
      return logs(rest);
    default:
      throw new UsageError(USAGE);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  // A problem the user can act on is one line; anything else is a bug and keeps its stack.
  process.stderr.write(`infra: ${error instanceof UsageError ? error.message : error.stack}\n`);
  process.exit(1);
});
