import { freePorts } from '@orderflow/testing';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive, killAndWait, SERVICES, type ServiceName } from '@orderflow/stack';

const ROOT = resolve(__dirname, '../../..');

/**
 * A Kafka broker and a database of the chaos run's own, started with `npm run infra` in a
 * directory and on ports nobody else uses, so killing and restarting them disturbs no other
 * test. Jars come from the usual infrastructure cache (linked, not downloaded again).
 */
export class PrivateInfra {
  private constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    /** Per service, the broker's listener of its own, and the port it tells that service to use. */
    readonly serviceListeners: Record<ServiceName, { port: number; advertisedPort: number }>,
  ) {}

  static async start(log: (line: string) => void): Promise<PrivateInfra> {
    const dir = mkdtempSync(join(tmpdir(), 'orderflow-chaos-infra-'));
    const sharedCache = join(resolve(ROOT, process.env['INFRA_DIR'] ?? '.infra'), 'cache');
    if (existsSync(sharedCache)) symlinkSync(sharedCache, join(dir, 'cache'));
    else mkdirSync(join(dir, 'cache'));
    // Each service reaches the broker through a listener of its own that sends it back to a
    // port where the fleet puts a proxy: cutting that proxy cuts exactly that service off.
    // Every port at once, so no two of them are the same.
    const ports = await freePorts(3 + 2 * SERVICES.length);
    const [kafkaPort, controllerPort, mongoPort] = ports;
    const serviceListeners = {} as Record<ServiceName, { port: number; advertisedPort: number }>;
    SERVICES.forEach((s, i) => (serviceListeners[s.name] = { port: ports[3 + 2 * i], advertisedPort: ports[4 + 2 * i] }));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      INFRA_DIR: dir,
      KAFKA_PORT: String(kafkaPort),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      MONGO_PORT: String(mongoPort),
      KAFKA_EXTRA_LISTENERS: SERVICES.map(
        (s) => `${listenerName(s.name)}:${serviceListeners[s.name].port}:${serviceListeners[s.name].advertisedPort}`,
      ).join(','),
    };
    // Without these the tool would use that infrastructure instead of starting its own.
    delete env['KAFKA_BROKERS'];
    delete env['MONGODB_URI'];
    const infra = new PrivateInfra(dir, env, serviceListeners);
    log(`starting a private Kafka and database in ${dir}`);
    await infra.infra('up');
    return infra;
  }

  get brokers(): string {
    return this.read('KAFKA_BROKERS');
  }

  get mongoUri(): string {
    return this.read('MONGODB_URI');
  }

  pid(name: 'kafka' | 'mongodb'): number | undefined {
    const file = join(this.dir, 'run', `${name}.pid`);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return isAlive(pid) ? pid : undefined;
  }

  /** Signals the broker or the database and waits until the process is gone. */
  async kill(name: 'kafka' | 'mongodb', signal: NodeJS.Signals): Promise<void> {
    const pid = this.pid(name);
    if (pid === undefined) throw new Error(`the private ${name} is not running`);
    await killAndWait(pid, signal, 60_000);
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the broker: every connection to it hangs meanwhile, like a network partition. */
  freeze(name: 'kafka' | 'mongodb', frozen: boolean): void {
    const pid = this.pid(name);
    if (pid === undefined) throw new Error(`the private ${name} is not running`);
    process.kill(pid, frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Starts whatever is not running and waits until both answer. */
  restart(): Promise<void> {
    return this.infra('up');
  }

  async stop(): Promise<void> {
    for (const name of ['kafka', 'mongodb'] as const) {
      const pid = this.pid(name);
      if (pid !== undefined) process.kill(pid, 'SIGCONT');
    }
    await this.infra('down').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private read(variable: string): string {
    const line = readFileSync(join(this.dir, 'env'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${variable}=`));
    if (!line) throw new Error(`${this.dir}/env lacks ${variable}`);
    return line.slice(variable.length + 1);
  }

  private infra(command: 'up' | 'down'): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn('bash', [join(ROOT, 'tools/infra.sh'), command], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) =>
        code === 0 ? resolvePromise() : reject(new Error(`infra ${command} exited ${code}:\n${output.slice(-2000)}`)),
      );
    });
  }
}

/** `order-api` → `ORDER_API`: a broker listener's name. */
const listenerName = (service: ServiceName) => service.toUpperCase().replace(/-/g, '_');
