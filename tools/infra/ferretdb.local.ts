import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, startDaemon } from './daemon';
import { patchedModFile } from './ferretdb.patch';
import { paths, ports, ROOT } from './paths';
import { runStep } from './step';

const SOURCE = join(ROOT, 'tools/ferretdb');
const binary = () => join(paths.cache, 'bin', 'ferretdb');

/** Builds the FerretDB wrapper through the Go module proxy; rebuilt only when its source changes. */
async function ensureBinary(): Promise<void> {
  const built = existsSync(binary()) ? statSync(binary()).mtimeMs : 0;
  const sources = [
    ...['go.mod', 'go.sum', 'main.go', 'proxy.go'].map((f) => join(SOURCE, f)),
    join(__dirname, 'ferretdb.patch.ts'),
  ].map((f) => statSync(f).mtimeMs);
  if (built > Math.max(...sources)) return;
  mkdirSync(join(paths.cache, 'bin'), { recursive: true });
  const modFile = patchedModFile(SOURCE, join(paths.cache, 'ferretdb-build'));
  await runStep('Building FerretDB with Go (first run only, a few minutes)', 'go', [
    'build', '-trimpath', `-modfile=${modFile}`, '-o', binary(), '.',
  ], { cwd: SOURCE, log: paths.logFile('ferretdb-setup') });
}

export async function startFerretDb(): Promise<string> {
  const { mongo } = ports();
  const uri = `mongodb://127.0.0.1:${mongo}`;
  if (runningPid('mongodb') !== undefined) return uri;
  await ensureBinary();
  process.stdout.write(`• Starting FerretDB (MongoDB wire protocol) on ${uri} (log: ${paths.logFile('mongodb')})\n`);
  startDaemon('mongodb', binary(), [
    `-listen-addr=127.0.0.1:${mongo}`,
    `-state-dir=${join(paths.data, 'ferretdb')}`,
  ]);
  return uri;
}
