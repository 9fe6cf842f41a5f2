import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './eventually';

const ROOT = join(__dirname, '../../..');

export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly output: () => string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a built service (`dist/apps/<name>/main.js`) as a real process, the way a container
 * would: plain `node`, configuration only through the environment (exactly `env`, so a
 * test can leave a variable out). `url` uses env.PORT. `nodeOptions` go before the entry
 * (e.g. `--cpu-prof`, which NODE_OPTIONS does not take).
 */
export function startService(
  name: string,
  env: Record<string, string>,
  entry = join(ROOT, 'dist/apps', name, 'main.js'),
  nodeOptions: string[] = [],
): ServiceProcess {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build it with \`npx nx build ${name}\``);
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, entry], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    url: `http://127.0.0.1:${env['PORT']}`,
    pid: child.pid as number,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until the service answers 200 on /health/ready, or fails with its output so far. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  try {
    await eventually(
      async () => {
        const response = await fetch(`${service.url}/health/ready`);
        if (response.status !== 200) throw new Error(`ready answered ${response.status}`);
      },
      { timeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    throw new Error(`${service.name} did not become ready: ${(error as Error).message}\n${service.output()}`);
  }
}
