import {
  freePort,
  startService,
  startTokenIssuer,
  waitUntilReady,
  type InfraEnv,
  type ServiceProcess,
  type TokenIssuerProcess,
} from '@orderflow/testing';
import mongoose from 'mongoose';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FAR_ABOVE_LOAD, securityEnv } from './security-env';
import { SERVICES } from './services';

/**
 * The four built services as processes, like the e2e global setup starts them: each with a
 * database of its own for this run, dropped again at the end, all trusting a local
 * token issuer of their own. Their URLs and the issuer's go where the stack client's helpers
 * look for them, so those helpers work unchanged.
 */
export class StackServices {
  private constructor(
    private readonly infra: InfraEnv,
    private readonly run: string,
    readonly processes: ServiceProcess[],
    readonly issuer: TokenIssuerProcess,
    private readonly label: string,
  ) {}

  /**
   * `label` names the databases (`orders-<label>-<run>`, …): `bench`, `fuzz`, `stack`. With
   * `profileDir`, each service writes a V8 CPU profile there when it exits. `limits` are the
   * rate-limit variables (`{}`: the services' defaults, as deployed).
   */
  static async start(infra: InfraEnv, run: string, label = 'bench', profileDir?: string, limits = FAR_ABOVE_LOAD): Promise<StackServices> {
    const processes: ServiceProcess[] = [];
    const issuer = await startTokenIssuer();
    process.env['TOKEN_ISSUER_URL'] = issuer.url;
    const services = new StackServices(infra, run, processes, issuer, label);
    for (const s of SERVICES) {
      const env = {
        ...infra,
        ...securityEnv(issuer.url, limits),
        PORT: String(await freePort()),
        MONGODB_DATABASE: `${s.database}-${label}-${run}`,
      };
      const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${s.name}.cpuprofile`] : [];
      processes.push(startService(s.name, env, undefined, profiling));
    }
    try {
      await Promise.all(processes.map((p) => waitUntilReady(p, 120_000)));
    } catch (error) {
      await services.stop();
      throw error;
    }
    SERVICES.forEach((s, i) => (process.env[s.urlVariable] = processes[i].url));
    return services;
  }

  /** Stops the services and drops their databases; returns the services that did not exit cleanly. */
  async stop(): Promise<string[]> {
    const codes = await Promise.all(this.processes.map((p) => p.stop('SIGTERM')));
    await this.issuer.stop();
    const connection = await mongoose.createConnection(this.infra.MONGODB_URI).asPromise();
    try {
      for (const s of SERVICES) await connection.useDb(`${s.database}-${this.label}-${this.run}`).dropDatabase();
    } finally {
      await connection.close();
    }
    return this.processes.flatMap((p, i) => (codes[i] === 0 ? [] : [`${p.name} exited with ${codes[i]}: ${p.output().slice(-500)}`]));
  }
}

/** The inodes of the sockets listening on `port` (from /proc/net/tcp and tcp6; state 0A is LISTEN). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** True when process `pid` holds a socket listening on `port`. */
export function listensOn(pid: number, port: number): boolean {
  return holdsOneOf(pid, listeningInodes(port));
}

/** The process listening on `port` on this machine, if one of ours can be seen (another user's cannot). */
export function listenerOn(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  const pid = pids.find((entry) => holdsOneOf(Number(entry), inodes));
  return pid === undefined ? undefined : Number(pid);
}

function holdsOneOf(pid: number, inodes: Set<string>): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      return /^socket:\[\d+\]$/.test(target) && inodes.has(target.slice(8, -1));
    });
  } catch {
    return false;
  }
}

/**
 * The broker's and the database's pids, from the pid files `npm run infra` writes (absent
 * when the infrastructure runs elsewhere, e.g. in Docker: then only the services are measured).
 */
export function infraPids(infraDir: string): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const [name, file] of [
    ['kafka', 'kafka.pid'],
    ['database', 'mongodb.pid'],
  ]) {
    const path = join(infraDir, 'run', file);
    if (!existsSync(path)) continue;
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (existsSync(`/proc/${pid}/stat`)) pids[name] = pid;
  }
  return pids;
}
