import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Connection, mongo } from 'mongoose';

export interface MongoWatchdogOptions {
  /** Pause between two checks. */
  intervalMs: number;
  /** How long this replica may fail to use a database that answers others before it gives up. */
  stuckForMs: number;
  /** Bound on each ping. */
  pingTimeoutMs: number;
}

/**
 * Ten seconds is the driver's heartbeat interval: after a database outage this replica's
 * client is back within about one heartbeat, so three of them failing while a new connection
 * succeeds is no reconnect in progress.
 */
export const WATCHDOG_DEFAULTS: MongoWatchdogOptions = { intervalMs: 5_000, stuckForMs: 30_000, pingTimeoutMs: 2_000 };

/**
 * Ends the process when its MongoDB client is stuck: it cannot ping the database while a new
 * connection to the same URI can, continuously for `stuckForMs`. Exiting non-zero is the
 * simplest recovery that cannot itself get stuck: the supervisor (Kubernetes, the chaos
 * fleet) starts a fresh process with a fresh driver, and the replica's Kafka partitions move
 * to the other replicas meanwhile, as after any crash. While the database answers nobody (a
 * plain outage, a network cut) this never fires: every replica waits for the driver to
 * reconnect, and nothing restarts. The liveness probe stays "is the process up" for the same
 * reason: a probe that checked the database would restart every pod during an outage.
 *
 * This is a backstop: the stall it was written for (driver-write.guard.ts) is fixed at its
 * cause; it keeps an unknown one from leaving orders pending until someone notices.
 */
export class MongoWatchdog implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MongoWatchdog.name);
  private timer?: NodeJS.Timeout;
  private stuckSince?: number;
  private stopped = false;
  private completed = 0;

  constructor(
    private readonly connection: Connection,
    /** Where a new connection is tried: the URI the service's own client uses. */
    private readonly uri: string,
    private readonly options: MongoWatchdogOptions = WATCHDOG_DEFAULTS,
    private readonly onStuck: (reason: string) => void = exitStuck,
  ) {}

  /** Checks completed so far. */
  get checks(): number {
    return this.completed;
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => {
        this.completed++;
        this.schedule();
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    const ownFailure = await failureOf(() => this.ownPing());
    // Fine, or the database answers nobody (an outage: the driver reconnects once it is back).
    if (ownFailure === undefined || (await failureOf(() => pingWithNewClient(this.uri, this.options.pingTimeoutMs))) !== undefined) {
      this.stuckSince = undefined;
      return;
    }
    if (this.stopped) return;
    this.stuckSince ??= Date.now();
    const stuckMs = Date.now() - this.stuckSince;
    const reason = `the database answers a new connection but not this service's client, for ${stuckMs} ms (${ownFailure})`;
    if (stuckMs < this.options.stuckForMs) {
      this.logger.warn(reason);
      return;
    }
    this.stopped = true;
    this.onStuck(reason);
  }

  private async ownPing(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new Error('not connected');
    await db.command({ ping: 1 }, { signal: AbortSignal.timeout(this.options.pingTimeoutMs) });
  }
}

/** Undefined when `run` succeeds, else its error's message. */
async function failureOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function pingWithNewClient(uri: string, timeoutMs: number): Promise<unknown> {
  const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, maxPoolSize: 1 });
  try {
    return await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

function exitStuck(reason: string): void {
  new Logger(MongoWatchdog.name).error(`exiting so that a fresh process takes over: ${reason}`);
  process.exit(1);
}
