/**
 * Checks that the local default database loses no acknowledged write when SIGKILLed:
 *
 *   npx tsx --tsconfig tools/infra/tsconfig.json tools/infra/src/mongodb.durability.ts
 *
 * It runs a private instance on a free port with a throw-away data directory (jars and
 * launcher from the infra cache, fetched if missing), so the shared database `infra up`
 * started is never killed. Exits non-zero if anything acknowledged is missing after restart.
 */
import { PrivateMongo } from './mongodb.private';
import { sigkillCheck } from '@orderflow/testing';

async function main(): Promise<void> {
  const server = await PrivateMongo.start();
  try {
    const result = await sigkillCheck(
      server.uri,
      () => void server.kill(),
      () => server.restart(),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.lostInserts > 0 || result.lostIncs > 0) {
      process.stderr.write('acknowledged writes were lost after SIGKILL\n');
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
