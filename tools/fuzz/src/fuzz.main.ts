/**
 * `npm run fuzz` (tools/fuzz.sh installs schemathesis, builds the services and brings the
 * infrastructure up first): starts the four services with fresh databases and a token
 * issuer of their own, then runs schemathesis against each service's OpenAPI document,
 * authenticated, and prints requests, operations and failures per service. `--quick` is
 * the short run of `npm test`. Both end with the stateful phase, which follows the
 * documents' OpenAPI links (POST /orders → GET /orders/{id}, its timeline, its cancel).
 * Exits 1 when schemathesis found anything, when an operation of a document got no request
 * at all, or when a document has links and the run reached no object an earlier answer created.
 */
import { infraEnv, issueToken, SCOPES } from '@orderflow/testing';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StackServices, SERVICES } from '@orderflow/stack';
import { linkCoverage, reachProblems, summarize, type FuzzSummary } from './fuzz.report';

const ROOT = resolve(__dirname, '../../..');
/** The customer of the documents' examples, whom the token names; the stateful phase places orders as them. */
const CUSTOMER = 'c-1';

interface FuzzOptions {
  examples: number;
  phases: string;
}

const QUICK: FuzzOptions = { examples: 10, phases: 'examples,coverage,fuzzing,stateful' };
const FULL: FuzzOptions = { examples: 100, phases: 'examples,coverage,fuzzing,stateful' };

/** Runs schemathesis with its (long, progress-bar) output in `logFile`; resolves its exit code. */
function schemathesis(venv: string, args: string[], cwd: string, logFile: string): Promise<number> {
  const out = openSync(logFile, 'w');
  return new Promise<number>((done) => {
    const child = spawn(join(venv, 'bin/schemathesis'), args, {
      // It keeps a cache of crashes in its working directory: dist/fuzz, not the repository.
      cwd,
      stdio: ['ignore', out, out],
      env: { ...process.env, NO_COLOR: '1', PYTHONPATH: join(ROOT, 'tools/fuzz'), FUZZ_CUSTOMER_ID: CUSTOMER },
    });
    child.once('error', () => done(1));
    child.once('exit', (code) => done(code ?? 1));
  }).finally(() => closeSync(out));
}

/** The end of a failed run's log: schemathesis prints what failed, and how to reproduce it, last. */
function tail(file: string, lines: number): string {
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const options = argv.includes('--quick') ? QUICK : FULL;
  const venv = process.env['SCHEMATHESIS_VENV'];
  if (!venv) throw new Error('SCHEMATHESIS_VENV is not set: run `npm run fuzz`');
  const outDir = join(ROOT, 'dist/fuzz');
  mkdirSync(outDir, { recursive: true });

  const run = randomUUID().slice(0, 8);
  process.stdout.write(`• Starting the four services with fresh databases (run ${run})\n`);
  const services = await StackServices.start(infraEnv(), run, 'fuzz');
  const summaries: FuzzSummary[] = [];
  let status = 0;
  try {
    // The customer of the documents' examples, with every staff scope: examples place real
    // orders; generated customer ids are refused (403) as they would be for any caller.
    const token = await issueToken(services.issuer.url, {
      sub: CUSTOMER,
      scope: [SCOPES.staffRead, SCOPES.staffCancel, SCOPES.inventoryAdmin].join(' '),
      expires_in: 4 * 3600,
    });
    for (const [i, s] of SERVICES.entries()) {
      const url = services.processes[i].url;
      const report = join(outDir, `${s.name}.ndjson`);
      rmSync(report, { force: true });
      const logFile = join(outDir, `${s.name}.log`);
      // The document as schemathesis gets it, to tell which operations and links it should reach.
      const document = (await (await fetch(`${url}/docs-json`, { headers: { authorization: `Bearer ${token}` } })).json()) as Parameters<
        typeof reachProblems
      >[1];
      process.stdout.write(`• schemathesis: ${s.name} (${options.phases}, ${options.examples} examples per operation) … `);
      const code = await schemathesis(
        venv,
        [
          '--config-file',
          join(ROOT, 'tools/fuzz/schemathesis.toml'),
          'run',
          `${url}/docs-json`,
          '--url',
          url,
          '--header',
          `Authorization: Bearer ${token}`,
          '--checks',
          'all',
          '--phases',
          options.phases,
          '--max-examples',
          String(options.examples),
          '--workers',
          '1',
          '--seed',
          '20261129',
          '--generation-database',
          'none',
          '--request-timeout',
          '30',
          '--report',
          'ndjson',
          '--report-ndjson-path',
          report,
          '--no-color',
        ],
        outDir,
        logFile,
      );
      // No report means schemathesis did not get as far as the API: count it as an error.
      const summary = existsSync(report)
        ? summarize(s.name, readFileSync(report, 'utf8'))
        : {
            service: s.name,
            operations: 0,
            requests: 0,
            failures: 0,
            errors: 1,
            requestsByOperation: {},
            links: {},
            drawn: { requests: 0, reached: 0 },
          };
      summaries.push(summary);
      const unreached = reachProblems(summary, document);
      const failed = code !== 0 || summary.failures > 0 || summary.errors > 0;
      process.stdout.write(`${summary.requests} requests, ${summary.failures} failures, ${summary.errors} errors (log: ${logFile})\n`);
      for (const link of linkCoverage(summary, document))
        process.stdout.write(`  link ${link.link}: followed ${link.requests}×, ${link.reached} reached an object (2xx)\n`);
      if (summary.drawn.requests > 0)
        process.stdout.write(
          `  ids drawn from earlier answers: ${summary.drawn.requests} requests, ${summary.drawn.reached} found their object\n`,
        );
      for (const problem of unreached) process.stdout.write(`  ✗ ${problem}\n`);
      if (failed) process.stdout.write(`${tail(logFile, 80)}\n`);
      if (failed || unreached.length > 0) status = 1;
    }
  } finally {
    const unclean = await services.stop();
    if (unclean.length > 0) {
      process.stderr.write(`not stopped cleanly: ${unclean.join('\n')}\n`);
      status = 1;
    }
  }
  const lines = [
    '| service | operations | requests | failures | errors | linked requests (2xx) |',
    '|---|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => {
      const linked = Object.values(s.links);
      return `| ${s.service} | ${s.operations} | ${s.requests} | ${s.failures} | ${s.errors} | ${linked.reduce((n, l) => n + l.requests, 0)} (${linked.reduce((n, l) => n + l.reached, 0)}) |`;
    }),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), options, summaries }, null, 2));
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`fuzz: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
