import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

export interface ScriptRun {
  status: number | null;
  output: string;
  /** Each stubbed command as it was called, one per line. */
  calls: string[];
}

/**
 * One of the workspace's shell scripts, run for real in a scratch copy of the workspace
 * where the commands it calls are stubs: `stubs` maps a path (`tools/infra.sh`, or
 * `bin/npx` for a command on PATH) to the body of a bash script. Every stub may append to
 * `$CALLS` to record how it was called. `options.copy` names the workspace's own files the
 * script sources (copied as they are), `options.env` adds to its environment.
 */
export function runScript(
  script: string,
  stubs: Record<string, string>,
  args: string[] = [],
  options: { copy?: string[]; env?: Record<string, string> } = {},
): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), 'orderflow-script-'));
  try {
    const calls = join(dir, 'calls.log');
    writeFileSync(calls, '');
    mkdirSync(join(dir, 'tools'), { recursive: true });
    mkdirSync(join(dir, 'bin'), { recursive: true });
    for (const file of [script, ...(options.copy ?? [])]) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      copyFileSync(join(ROOT, file), join(dir, file));
    }
    for (const [path, body] of Object.entries(stubs)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), `#!/usr/bin/env bash\n${body}\n`);
      chmodSync(join(dir, path), 0o755);
    }
    const result = spawnSync('bash', [join(dir, script), ...args], {
      cwd: dir,
      env: { PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, HOME: dir, CALLS: calls, ...options.env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
      calls: existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
