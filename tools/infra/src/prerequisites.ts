import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { UsageError } from './paths';

/** Fails with one line saying what to install when a tool the local infra needs is absent. */
export function requireTool(command: string, versionArgs: string[], why: string, install: string): string {
  const result = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (result.error) throw new UsageError(`${command} is needed ${why} but was not found: ${install}`);
  return `${result.stdout}${result.stderr}`;
}

export function requireJava17(): void {
  const install = 'install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)';
  const output = requireTool('java', ['-version'], 'to run Kafka and the MongoDB-wire database', install);
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  if (major < 17) throw new UsageError(`Kafka 4 and the local database need Java 17 or newer, found Java ${major}: ${install}`);
}

/** True when something already accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function requireFreePort(port: number, what: string, variable: string): Promise<void> {
  if (await portInUse(port)) {
    throw new UsageError(
      `port ${port}, needed for ${what}, is used by another process: stop it, or pick another port with ${variable}=<port>`,
    );
  }
}
