import { freePort, startService, TcpProxy, waitUntilReady, type ServiceProcess } from '@orderflow/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { killAndWait, SERVICES, type ServiceName } from '@orderflow/stack';
import { BalancerProxy } from './balancer.proxy';
import type { PrivateInfra } from './private.infra';

interface Replica {
  service: ServiceName;
  env: Record<string, string>;
  process: ServiceProcess;
}

/**
 * The four services as processes, several replicas each, against the chaos run's private
 * Kafka and database: clients reach each service through a round-robin balancer (as through
 * a Kubernetes Service); every replica reaches the database through one TCP proxy, and the
 * broker through a proxy of its service's own (the broker's listener for that service sends
 * its clients back there), so a test can cut either connection and restore it.
 */
export class ChaosFleet {
  private readonly replicas: Replica[] = [];
  /** Every process the fleet ever started, killed ones too: their logs tell what a fault did. */
  private readonly started: Replica[] = [];
  private readonly balancers: BalancerProxy[] = [];

  private constructor(
    private readonly run: string,
    private readonly mongoUri: string,
    readonly databaseLink: TcpProxy,
    /** Each service's only way to the broker, so a test can cut one service off Kafka. */
    readonly kafkaLinks: Record<ServiceName, TcpProxy>,
    /** Variables every replica gets besides where Kafka and the database are. */
    private readonly extraEnv: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  static async start(
    run: string,
    infra: Pick<PrivateInfra, 'mongoUri' | 'serviceListeners'>,
    replicas: Record<ServiceName, number>,
    extraEnv: Record<string, string>,
    log: (line: string) => void,
  ): Promise<ChaosFleet> {
    const target = new URL(infra.mongoUri.replace(/^mongodb:/, 'http:'));
    const link = new TcpProxy({ host: target.hostname, port: Number(target.port) }, await freePort());
    await link.start();
    const kafkaLinks = {} as Record<ServiceName, TcpProxy>;
    for (const s of SERVICES) {
      const { port, advertisedPort } = infra.serviceListeners[s.name];
      kafkaLinks[s.name] = new TcpProxy({ host: '127.0.0.1', port }, advertisedPort);
      await kafkaLinks[s.name].start();
    }
    const fleet = new ChaosFleet(run, `mongodb://127.0.0.1:${link.port}`, link, kafkaLinks, extraEnv, log);
    for (const s of SERVICES) {
      const balancer = new BalancerProxy(() => fleet.replicas.filter((r) => r.service === s.name).map((r) => Number(r.env['PORT'])));
      const port = await freePort();
      await balancer.start(port);
      fleet.balancers.push(balancer);
      process.env[s.urlVariable] = `http://127.0.0.1:${port}`;
    }
    const starting: Promise<void>[] = [];
    for (const s of SERVICES) {
      for (let i = 0; i < replicas[s.name]; i++) starting.push(fleet.add(s.name));
    }
    await Promise.all(starting);
    return fleet;
  }

  count(service: ServiceName): number {
    return this.replicas.filter((r) => r.service === service).length;
  }

  all(): { service: ServiceName; pid: number }[] {
    return this.replicas.map((r) => ({ service: r.service, pid: r.process.pid }));
  }

  /** Starts one more replica of `service` and waits until it is ready. */
  async add(service: ServiceName): Promise<void> {
    const database = SERVICES.find((s) => s.name === service)?.database as string;
    const env = {
      KAFKA_BROKERS: `127.0.0.1:${this.kafkaLinks[service].port}`,
      MONGODB_URI: this.mongoUri,
      PORT: String(await freePort()),
      MONGODB_DATABASE: `${database}-chaos-${this.run}`,
      ...this.extraEnv,
    };
    await this.launch(service, env);
  }

  /**
   * Kills replica `index` of the fleet with `signal` and, unless told not to, starts it again
   * on the same port; `ready` resolves once the new process answers ready.
   */
  async kill(index: number, signal: NodeJS.Signals, restart: boolean): Promise<{ service: ServiceName; ready: Promise<void> }> {
    const [replica] = this.replicas.splice(index, 1);
    await killAndWait(replica.process.pid, signal, 60_000);
    const ready = restart ? this.launch(replica.service, replica.env) : Promise.resolve();
    // Awaited by the caller, or at the end of the scenario: never left to fail unheard.
    ready.catch(() => undefined);
    return { service: replica.service, ready };
  }

  indexOf(service: ServiceName, nth: number): number {
    const own = this.replicas.map((r, i) => ({ r, i })).filter(({ r }) => r.service === service);
    return own[nth % own.length].i;
  }

  get size(): number {
    return this.replicas.length;
  }

  /** Writes the output of every process the fleet started to `<dir>/<service>-<pid>.log`. */
  saveLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const { service, process } of this.started) writeFileSync(join(dir, `${service}-${process.pid}.log`), process.output());
  }

  /** Stops every replica and the proxies; drops the run's databases. */
  async stop(): Promise<void> {
    // Out of `replicas` first, so that their exits do not read as replicas that died.
    await Promise.all(this.replicas.splice(0).map((r) => r.process.stop('SIGTERM')));
    for (const balancer of this.balancers) await balancer.stop();
    for (const link of Object.values(this.kafkaLinks)) await link.stop();
    await this.databaseLink.start().catch(() => undefined);
    const connection = await mongoose.createConnection(this.mongoUri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
    try {
      for (const s of SERVICES) await connection.useDb(`${s.database}-chaos-${this.run}`).dropDatabase();
    } finally {
      await connection.close();
      await this.databaseLink.stop();
    }
  }

  private async launch(service: ServiceName, env: Record<string, string>): Promise<void> {
    const process = startService(service, env);
    const replica = { service, env, process };
    this.replicas.push(replica);
    this.started.push(replica);
    void process.exited.then((code) => this.replace(replica, code));
    await waitUntilReady(process, 180_000);
  }

  /**
   * As a Deployment would, starts a replica that exited by itself (a crash, or a service
   * ending itself because its database client is stuck) again, on the same port. The
   * replicas the fleet kills or stops have left `replicas` before they exit.
   */
  private replace(replica: Replica, code: number | null): void {
    const index = this.replicas.indexOf(replica);
    if (index === -1) return;
    this.replicas.splice(index, 1);
    this.log(`${replica.service} replica ${replica.process.pid} exited by itself (code ${code}); starting another`);
    this.launch(replica.service, replica.env).catch((error: Error) =>
      this.log(`restarting ${replica.service}: ${error.message.split('\n')[0]}`),
    );
  }
}
