import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, startDaemon } from './daemon';
import { paths, ports, ROOT } from './paths';
import { runStep } from './step';

const SOURCE_DIR = join(ROOT, 'tools/mongodb');
const POM = join(SOURCE_DIR, 'pom.xml');
/** The launcher's Java sources, compiled together. */
const sources = () =>
  readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith('.java'))
    .sort()
    .map((f) => join(SOURCE_DIR, f));

/** The mongo-java-server version pinned in tools/mongodb/pom.xml; the jar cache is keyed by it. */
const version = () => /<mongo-java-server\.version>([^<]+)</.exec(readFileSync(POM, 'utf8'))?.[1] ?? 'unknown';

/** The jars of the dependency list in pom.xml: a changed list gets a fresh folder. */
const libsDir = () => join(paths.cache, `mongodb-${version()}-${createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 8)}`);
const classesDir = () => join(paths.cache, 'mongodb-classes');
const classpath = () => `${classesDir()}:${libsDir()}/*`;

/** Downloads the jars from Maven Central once; later runs reuse them (and ~/.m2). */
async function ensureJars(): Promise<void> {
  const done = join(libsDir(), '.complete');
  if (existsSync(done)) return;
  mkdirSync(libsDir(), { recursive: true });
  await runStep(
    `Fetching mongo-java-server ${version()} jars from Maven Central`,
    'mvn',
    ['-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libsDir()}`],
    { cwd: ROOT, log: paths.logFile('mongodb-setup') },
  );
  writeFileSync(done, '');
}

/** Compiles the launcher when a source or the jars changed since the last compile. */
async function ensureLauncher(): Promise<void> {
  const stamp = join(classesDir(), '.compiled');
  const compiledFor = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  const newest = Math.max(...sources().map((file) => statSync(file).mtimeMs));
  if (compiledFor === libsDir() && statSync(stamp).mtimeMs > newest) return;
  mkdirSync(classesDir(), { recursive: true });
  await runStep('Compiling the MongoDB-wire launcher', 'javac', ['-cp', `${libsDir()}/*`, '-d', classesDir(), ...sources()], {
    cwd: ROOT,
    log: paths.logFile('mongodb-setup'),
  });
  writeFileSync(stamp, libsDir());
}

/** Fetches the jars and compiles the launcher when needed. */
export async function ensureMongoInstalled(): Promise<void> {
  await ensureJars();
  await ensureLauncher();
}

/** The `java` arguments that serve `dataDir` on 127.0.0.1:`port`. */
export function mongoServerArgs(port: number, dataDir: string): string[] {
  return [
    // The documents live on the heap (the journal is only written, and read at start). G1
    // keeps pauses short while the old generation grows with the data.
    '-Xms256m',
    '-Xmx4g',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=50',
    // Commands run on netty's event-loop threads (2 per core by default), and each write waits
    // there for its commit. More threads let more writes wait at once and share one commit:
    // measured with 32 clients updating by _id, 0.73 ms of CPU per update against 1.13 ms.
    '-Dio.netty.eventLoopThreads=32',
    // mongo-java-server logs every connection at INFO.
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp',
    classpath(),
    'OrderflowMongoServer',
    '127.0.0.1',
    String(port),
    dataDir,
  ];
}

export async function startMongo(): Promise<string> {
  const { mongo } = ports();
  const uri = `mongodb://127.0.0.1:${mongo}`;
  if (runningPid('mongodb') !== undefined) return uri;
  await ensureMongoInstalled();
  process.stdout.write(`• Starting mongo-java-server (MongoDB wire protocol) on ${uri} (log: ${paths.logFile('mongodb')})\n`);
  startDaemon('mongodb', 'java', mongoServerArgs(mongo, join(paths.data, 'mongodb')));
  return uri;
}
