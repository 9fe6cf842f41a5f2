/**
 * Checks that the local default database loses no acknowledged write when SIGKILLed:
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/infra/mongodb.durability.ts
 *
 * It runs a private instance on a free port with a throw-away data directory (jars and
 * launcher from the infra cache, fetched if missing), so the shared database `infra up`
 * started is never killed. Exits non-zero if anything acknowledged is missing after restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../libs/testing/src/free-port';
import { ensureMongoInstalled, mongoServerArgs } from './mongodb.local';
import { sigkillCheck, waitForPing } from './sigkill.check';

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

async function main(): Promise<void> {
  await ensureMongoInstalled();
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'orderflow-durability-'));
  const start = () =>
    spawn('java', mongoServerArgs(port, dataDir), {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  let server = start();
  try {
    await waitForPing(uri);
    const result = await sigkillCheck(
      uri,
      () => server.kill('SIGKILL'),
      async () => {
        // The port and the data file's lock are free only once the killed process is gone.
        await exited(server);
        server = start();
      },
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.lostInserts > 0 || result.lostIncs > 0) {
      process.stderr.write('acknowledged writes were lost after SIGKILL\n');
      process.exitCode = 1;
    }
  } finally {
    server.kill('SIGTERM');
    await exited(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
