import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { UsageError } from './paths';

/**
 * Runs one long set-up command (a download, a build) with its output kept in a log file,
 * a heartbeat line every 15 s so a first run never looks stuck, and the log's tail shown
 * if it fails.
 */
export async function runStep(
  title: string,
  command: string,
  args: string[],
  options: { cwd: string; log: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const started = Date.now();
  process.stdout.write(`• ${title} (log: ${options.log})\n`);
  const log = createWriteStream(options.log, { flags: 'a' });
  const heartbeat = setInterval(() => {
    process.stdout.write(`  … ${Math.round((Date.now() - started) / 1000)} s, still working\n`);
  }, 15_000);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      child.on('error', reject);
      child.on('close', (exitCode) => resolve(exitCode ?? 1));
    });
    if (code !== 0) {
      await new Promise((resolve) => log.end(resolve));
      const tail = readFileSync(options.log, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
      throw new UsageError(`${title} failed (exit ${code}); last lines of ${options.log}:\n${tail}`);
    }
    process.stdout.write(`  done in ${Math.round((Date.now() - started) / 1000)} s\n`);
  } finally {
    clearInterval(heartbeat);
    log.end();
  }
}
