import { infraEnv } from '@orderflow/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the dead-letter tool (`npm run dlq -- …`) against the suite's Kafka, as an operator would. */
export function dlq(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['--tsconfig', join(ROOT, 'apps/dlq/tsconfig.app.json'), join(ROOT, 'apps/dlq/src/main.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', KAFKA_BROKERS: infraEnv().KAFKA_BROKERS }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The tool's `--json` answer, or a failure that shows what it printed. */
export async function dlqJson<T = unknown>(...args: string[]): Promise<T> {
  const result = await dlq(...args, '--json');
  if (result.code !== 0) throw new Error(`dlq ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as T;
}
