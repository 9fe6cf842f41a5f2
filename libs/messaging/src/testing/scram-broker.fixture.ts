import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

/** A TCP port that was free a moment ago (this fixture lives beside the lib, apart from the test helpers). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface ScramBroker {
  readonly brokers: string[];
  /** The password of each user created at format time (`<user>-secret`). */
  password(user: string): string;
  stop(): Promise<void>;
}

/**
 * A private single-node Kafka (KRaft) whose only client listener takes SASL/SCRAM-SHA-256,
 * with the StandardAuthorizer and no access for anyone without an ACL: the broker the chart's
 * production values describe, from the jars `npm run infra -- up` fetched. `admin` is its
 * super user; every other user has only the ACLs a test grants.
 */
/** Where the local infrastructure keeps Kafka's jars, if it fetched them (it does in local mode). */
export function kafkaJars(): string | undefined {
  const version = /<kafka\.version>([^<]+)</.exec(readFileSync(join(ROOT, 'tools/kafka/pom.xml'), 'utf8'))?.[1];
  const jars = join(ROOT, '.infra/cache', `kafka-${version}`);
  return existsSync(jars) ? jars : undefined;
}

export async function startScramBroker(users: string[]): Promise<ScramBroker> {
  const jars = kafkaJars();
  if (!jars) throw new Error('the Kafka jars are missing: `npm run infra -- up` with the local infrastructure fetches them');
  const dir = mkdtempSync(join(tmpdir(), 'orderflow-scram-'));
  const [port, controller] = [await freePort(), await freePort()];
  const password = (user: string) => `${user}-secret`;
  const config = join(dir, 'server.properties');
  writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${port}`,
      'inter.broker.listener.name=SASL_PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms=SCRAM-SHA-256',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
      `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${password('admin')}";`,
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      // The controller listener is this node talking to itself; no client is told of it.
      'super.users=User:admin;User:ANONYMOUS',
      'allow.everyone.if.no.acl.found=false',
      `log.dirs=${join(dir, 'data')}`,
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
    ].join('\n'),
  );
  const classpath = `${jars}/*`;
  const scram = ['admin', ...users].flatMap((user) => ['-S', `SCRAM-SHA-256=[name=${user},password=${password(user)}]`]);
  const format = spawnSync(
    'java',
    [
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      randomBytes(16).toString('base64url').slice(0, 22),
      '-c',
      config,
      ...scram,
    ],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) throw new Error(`formatting the SCRAM broker failed: ${format.stderr}`);
  let output = '';
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xms128m',
      '-Xmx384m',
      `-Dlog4j2.configurationFile=${join(ROOT, 'tools/kafka/log4j2.yaml')}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      config,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (!/Kafka Server started/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the SCRAM broker did not start:\n${output.slice(-3_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise<void>((resolve, reject) =>
    connect(port, '127.0.0.1', function (this: { end(): void }) {
      this.end();
      resolve();
    }).once('error', reject),
  );
  return { brokers: [`127.0.0.1:${port}`], password, stop };
}
