import { freePort, startService, waitUntilReady, type ServiceProcess } from '@orderflow/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from './services';

/**
 * Which process is currently each service, so a test can kill one (SIGKILL, mid-flight)
 * and start it again on the same port with the same configuration. The global setup
 * records the first instances; restarts replace the record; the global teardown stops
 * whatever is current. Records live in files because global setup, tests and teardown do
 * not share module state.
 */
export interface InstanceRecord {
  pid: number;
  env: Record<string, string>;
  /** True for the processes the global setup started (it can read their exit codes). */
  original: boolean;
}

const runDir = (run: string) => join(tmpdir(), `orderflow-e2e-${run}`);
const recordFile = (run: string, name: ServiceName) => join(runDir(run), `${name}.json`);

export function recordInstance(run: string, name: ServiceName, record: InstanceRecord): void {
  mkdirSync(runDir(run), { recursive: true });
  writeFileSync(recordFile(run, name), JSON.stringify(record));
}

export function currentInstance(run: string, name: ServiceName): InstanceRecord {
  return JSON.parse(readFileSync(recordFile(run, name), 'utf8')) as InstanceRecord;
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Signals a process and waits until it is gone. */
export async function killAndWait(pid: number, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
  if (isAlive(pid)) process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still running ${timeoutMs} ms after ${signal}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const runId = () => {
  const run = process.env['E2E_RUN_ID'];
  if (!run) throw new Error('restarting services needs the suite to have started them (no E2E_RUN_ID)');
  return run;
};

/** Kills the service's current process with `signal` (SIGKILL: no chance to clean up). */
export async function killService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await killAndWait(currentInstance(runId(), name).pid, signal);
}

/**
 * Holds the service still (SIGSTOP) or lets it go on (SIGCONT): a test builds up a backlog
 * for it this way, so that a kill right after it goes on lands in the middle of work.
 */
export function pauseService(name: ServiceName, paused: boolean): void {
  process.kill(currentInstance(runId(), name).pid, paused ? 'SIGSTOP' : 'SIGCONT');
}

/**
 * Starts the service again, same port and configuration (with `overrides` on top, kept for
 * later restarts; `undefined` drops a variable), and waits until it is ready.
 */
export async function startServiceAgain(name: ServiceName, overrides: Record<string, string | undefined> = {}): Promise<void> {
  const run = runId();
  const env = withOverrides(currentInstance(run, name).env, overrides);
  const service = startService(name, env);
  recordInstance(run, name, { pid: service.pid, env, original: false });
  await waitUntilReady(service, 90_000);
}

/**
 * Starts one more replica of the service: same database and consumer group, a port of its
 * own, `overrides` on top. The caller stops it; it is not the recorded instance.
 */
export async function startReplica(name: ServiceName, overrides: Record<string, string | undefined> = {}): Promise<ServiceProcess> {
  const env = withOverrides({ ...currentInstance(runId(), name).env, PORT: String(await freePort()) }, overrides);
  const replica = startService(name, env);
  await waitUntilReady(replica, 90_000);
  return replica;
}

function withOverrides(env: Record<string, string>, overrides: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...env, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
