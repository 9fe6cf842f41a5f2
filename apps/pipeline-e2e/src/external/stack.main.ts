/**
 * The e2e suite as a client of a running stack, in one command (npm test runs it with a
 * short selection): starts the four built services the way `npm start` runs them — a token
 * issuer of their own and the services' default rate limits, unless flags say otherwise —
 * with databases of their own, writes their addresses to an env file, runs
 * `nx e2e pipeline-e2e --configuration=external --envFile=<that file>` and stops them again.
 * Needs the infrastructure up (tools/test.sh sees to it); builds the services first.
 */
import { infraEnv } from '@orderflow/testing';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StackServices, SERVICES } from '@orderflow/stack';
import { parseStackArgs, STACK_USAGE, StackUsageError } from './stack.args';

const ROOT = resolve(__dirname, '../../../..');

/**
 * Builds the four services (a cache hit when nothing changed): the stack runs what is in
 * dist/, and the suite's own build would come only after the stack had started stale code.
 */
function buildServices(): Promise<void> {
  const child = spawn('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--parallel=2', '--output-style=static'], {
    cwd: ROOT,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise<void>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`building the services failed:\n${output}`))));
  });
}

/** Runs the suite in external mode against the addresses in `envFile`; resolves its exit code. */
function suite(envFile: string, args: string[]): Promise<number> {
  const child = spawn(
    'npx',
    ['nx', 'e2e', 'pipeline-e2e', '--configuration=external', `--envFile=${envFile}`, '--output-style=static', ...args],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  // Ctrl-C reaches the suite too (same process group); the stack is stopped once it is gone.
  const ignore = () => undefined;
  process.on('SIGINT', ignore).on('SIGTERM', ignore);
  return new Promise<number>((done) => {
    child.once('error', () => done(1));
    child.once('exit', (code) => done(code ?? 1));
  }).finally(() => process.off('SIGINT', ignore).off('SIGTERM', ignore));
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseStackArgs(argv);
  } catch (error) {
    if (!(error instanceof StackUsageError)) throw error;
    process.stderr.write(`stack: ${error.message}\n\n${STACK_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${STACK_USAGE}\n`);
    return 0;
  }
  const infra = infraEnv();
  process.stdout.write('• Building the services\n');
  await buildServices();
  const run = randomUUID().slice(0, 8);
  const limits =
    Object.entries(options.limits)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ') || 'the default rate limits';
  process.stdout.write(`• Starting the four services with ${limits} and databases of their own (run ${run})\n`);
  const stack = await StackServices.start(infra, run, 'stack', undefined, options.limits);
  const dir = mkdtempSync(join(tmpdir(), 'orderflow-stack-'));
  let status: number;
  try {
    const envFile = join(dir, 'stack.env');
    const addresses = [
      ...SERVICES.map((s, i) => `${s.urlVariable}=${stack.processes[i].url}`),
      `TOKEN_ISSUER_URL=${stack.issuer.url}`,
      `KAFKA_BROKERS=${infra.KAFKA_BROKERS}`,
      `MONGODB_URI=${infra.MONGODB_URI}`,
    ];
    writeFileSync(envFile, `${addresses.join('\n')}\n`);
    process.stdout.write(`• ${addresses.slice(0, SERVICES.length + 1).join(' ')}\n`);
    status = await suite(envFile, options.suiteArgs);
  } finally {
    const unclean = await stack.stop();
    rmSync(dir, { recursive: true, force: true });
    if (unclean.length > 0) {
      process.stderr.write(`not stopped cleanly: ${unclean.join('\n')}\n`);
      status = 1;
    }
  }
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`stack: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
