import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, startDaemon } from './daemon';
import { extraListeners, paths, ports, ROOT } from './paths';
import { runStep } from './step';

const KAFKA_DIR = join(ROOT, 'tools/kafka');
const POM = join(KAFKA_DIR, 'pom.xml');

/** The Kafka version pinned in tools/kafka/pom.xml; the jar cache is keyed by it. */
const kafkaVersion = () => /<kafka\.version>([^<]+)</.exec(readFileSync(POM, 'utf8'))?.[1] ?? 'unknown';

const libsDir = () => join(paths.cache, `kafka-${kafkaVersion()}`);
const dataDir = () => join(paths.data, 'kafka');
const classpath = () => `${libsDir()}/*`;

/** Downloads the broker's jars from Maven Central once; later runs reuse them (and ~/.m2). */
async function ensureJars(): Promise<void> {
  const done = join(libsDir(), '.complete');
  if (existsSync(done)) return;
  mkdirSync(libsDir(), { recursive: true });
  await runStep(
    `Fetching Apache Kafka ${kafkaVersion()} jars from Maven Central`,
    'mvn',
    ['-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libsDir()}`],
    { cwd: ROOT, log: paths.logFile('kafka-setup') },
  );
  writeFileSync(done, '');
}

/** Formats the KRaft storage once; the cluster id stays with the data directory. */
async function ensureStorage(overrides: string[]): Promise<void> {
  if (existsSync(join(dataDir(), 'meta.properties'))) return;
  mkdirSync(dataDir(), { recursive: true });
  const clusterId = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
  // StorageTool takes no --override, so it gets a copy of the config with them applied.
  const config = join(paths.run, 'kafka-format.properties');
  const base = readFileSync(join(KAFKA_DIR, 'server.properties'), 'utf8');
  writeFileSync(config, `${base}\n${overrides.join('\n')}\n`);
  await runStep(
    'Formatting Kafka storage',
    'java',
    ['-cp', classpath(), 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', clusterId, '-c', config],
    { cwd: ROOT, log: paths.logFile('kafka-setup') },
  );
}

export async function startKafka(): Promise<string> {
  const { kafka, kafkaController } = ports();
  const brokers = `127.0.0.1:${kafka}`;
  if (runningPid('kafka') !== undefined) return brokers;
  mkdirSync(paths.run, { recursive: true });
  await ensureJars();
  const extra = extraListeners();
  const overrides = [
    `listeners=${[`PLAINTEXT://127.0.0.1:${kafka}`, `CONTROLLER://127.0.0.1:${kafkaController}`, ...extra.map((l) => `${l.name}://127.0.0.1:${l.port}`)].join(',')}`,
    `advertised.listeners=${[`PLAINTEXT://127.0.0.1:${kafka}`, ...extra.map((l) => `${l.name}://127.0.0.1:${l.advertisedPort}`)].join(',')}`,
    `controller.quorum.voters=1@127.0.0.1:${kafkaController}`,
    `log.dirs=${dataDir()}`,
    ...(extra.length === 0
      ? []
      : [
          `listener.security.protocol.map=${['CONTROLLER', 'PLAINTEXT', ...extra.map((l) => l.name)].map((n) => `${n}:PLAINTEXT`).join(',')}`,
        ]),
  ];
  await ensureStorage(overrides);
  process.stdout.write(`• Starting Kafka on ${brokers} (log: ${paths.logFile('kafka')})\n`);
  startDaemon('kafka', 'java', [
    // Small heap: a single-partition-leader dev broker on a 2-core machine needs little.
    // Full tiered JIT: C1 alone starts the broker on about half the CPU, but leaves the code
    // that carries every message without C2's optimisations for as long as the broker runs.
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    `-Dlog4j2.configurationFile=${join(KAFKA_DIR, 'log4j2.yaml')}`,
    '-cp',
    classpath(),
    'kafka.Kafka',
    join(KAFKA_DIR, 'server.properties'),
    ...overrides.flatMap((o) => ['--override', o]),
  ]);
  return brokers;
}
