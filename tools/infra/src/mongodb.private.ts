import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPing } from '@orderflow/testing';
import { ensureMongoInstalled, mongoServerArgs } from './mongodb.local';

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/**
 * A database of a check's own: the local default's server (jars and launcher from the
 * infrastructure cache, fetched if missing) on a free port with a throw-away data directory,
 * so the check may SIGKILL and restart it without disturbing the shared one.
 */
export class PrivateMongo {
  private constructor(
    private readonly port: number,
    /** Where this instance keeps its journal (a throw-away directory). */
    readonly dataDir: string,
    private server: ChildProcess,
    private readonly env: Record<string, string>,
  ) {}

  /** `env`: variables for the server besides the machine's, e.g. JOURNAL_COMPACT_MIN_BYTES. */
  static async start(env: Record<string, string> = {}): Promise<PrivateMongo> {
    await ensureMongoInstalled();
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'orderflow-private-mongo-'));
    const mongo = new PrivateMongo(port, dataDir, spawnServer(port, dataDir, env), env);
    await mongo.answering();
    return mongo;
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}`;
  }

  /** SIGKILL, as a crash: returns once the process is gone. */
  async kill(): Promise<void> {
    this.server.kill('SIGKILL');
    await exited(this.server);
  }

  /** Starts the server again on the same port and data; returns once it answers a ping. */
  async restart(): Promise<void> {
    // The port and the data file's lock are free only once the previous process is gone.
    await exited(this.server);
    this.server = spawnServer(this.port, this.dataDir, this.env);
    await this.answering();
  }

  private async answering(): Promise<void> {
    let output = '';
    this.server.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
    try {
      await waitForPing(this.uri, 60_000);
    } catch (error) {
      throw new Error(`the private database on ${this.uri} did not answer: ${(error as Error).message}\n${output}`);
    }
  }

  async stop(): Promise<void> {
    this.server.kill('SIGTERM');
    await exited(this.server);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

const spawnServer = (port: number, dataDir: string, env: Record<string, string>) =>
  spawn('java', mongoServerArgs(port, dataDir), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
