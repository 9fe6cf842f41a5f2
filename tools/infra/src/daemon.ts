import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { INFRA_DIR, paths } from './paths';

/**
 * Background processes the tool starts, tracked by pid files. A pid only counts as ours if
 * that process's command line mentions INFRA_DIR, so a recycled pid is never signalled and
 * nothing is ever stopped by name.
 */
export function runningPid(name: string): number | undefined {
  const file = paths.pidFile(name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    if (cmdline.includes(INFRA_DIR)) return pid;
  } catch {
    // no such process any more
  }
  rmSync(file, { force: true });
  return undefined;
}

export function startDaemon(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): number {
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.run, { recursive: true });
  const log = openSync(paths.logFile(name), 'a');
  // Detached, in its own process group, so it outlives this command and Ctrl-C here.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env: env ?? process.env });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  writeFileSync(paths.pidFile(name), `${child.pid}\n`);
  child.unref();
  return child.pid;
}

export async function stopDaemon(name: string, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(name);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await delay(200);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await delay(100);
  rmSync(paths.pidFile(name), { force: true });
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); its state letter says it is gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
