import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid, startDaemon, delay } from './daemon';
import { paths, ROOT, UsageError } from './paths';
import { requireFreePort, requireTool } from './prerequisites';
import { runStep } from './step';

const JAEGER_DIR = join(ROOT, 'tools/jaeger');

export interface JaegerAddresses {
  /** OTLP/HTTP receiver: what services put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlp: string;
  /** Query API (and the UI's placeholder page): GET /api/traces/<trace id>. */
  query: string;
}

const port = (variable: string, fallback: number) => {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${variable} must be a port number, got "${value}"`);
  return Number(value);
};

export const jaegerPorts = () => ({
  otlpHttp: port('JAEGER_OTLP_HTTP_PORT', 4318),
  query: port('JAEGER_QUERY_PORT', 16686),
  queryGrpc: port('JAEGER_QUERY_GRPC_PORT', 16685),
});

/**
 * Starts Jaeger v2 (built once from source through the Go module proxy by
 * tools/jaeger/install.sh) with spans kept in memory, and waits until its query API answers.
 */
export async function startJaeger(): Promise<JaegerAddresses> {
  const p = jaegerPorts();
  // A running Jaeger keeps the ports it was started with, whatever this shell exports.
  const saved = join(paths.run, 'jaeger.json');
  let addresses: JaegerAddresses = { otlp: `http://127.0.0.1:${p.otlpHttp}`, query: `http://127.0.0.1:${p.query}` };
  if (runningPid('jaeger') !== undefined && existsSync(saved)) addresses = JSON.parse(readFileSync(saved, 'utf8')) as JaegerAddresses;
  if (runningPid('jaeger') === undefined) {
    for (const [value, what, variable] of [
      [p.otlpHttp, "Jaeger's OTLP receiver", 'JAEGER_OTLP_HTTP_PORT'],
      [p.query, "Jaeger's query API", 'JAEGER_QUERY_PORT'],
      [p.queryGrpc, "Jaeger's query gRPC API", 'JAEGER_QUERY_GRPC_PORT'],
    ] as const) {
      await requireFreePort(value, what, variable);
    }
    requireTool('go', ['version'], 'to build Jaeger', 'install Go 1.24 or newer (https://go.dev/doc/install)');
    await runStep('Building Jaeger v2 from source (first run only)', 'bash', [join(JAEGER_DIR, 'install.sh')], {
      cwd: ROOT,
      log: paths.logFile('jaeger-setup'),
      env: { ...process.env, INFRA_DIR: join(paths.cache, '..') },
    });
    process.stdout.write(`• Starting Jaeger: OTLP ${addresses.otlp}, query ${addresses.query} (log: ${paths.logFile('jaeger')})\n`);
    startDaemon('jaeger', join(paths.cache, 'bin/jaeger'), ['--config', join(JAEGER_DIR, 'config.yaml')], {
      ...process.env,
      JAEGER_OTLP_HTTP_PORT: String(p.otlpHttp),
      JAEGER_QUERY_PORT: String(p.query),
      JAEGER_QUERY_GRPC_PORT: String(p.queryGrpc),
    });
    writeFileSync(saved, JSON.stringify(addresses));
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answered = await fetch(`${addresses.query}/api/services`).then(
      (r) => r.ok,
      () => false,
    );
    if (answered) return addresses;
    if (runningPid('jaeger') === undefined) throw new UsageError(`Jaeger exited at start: read ${paths.logFile('jaeger')}`);
    if (Date.now() > deadline) throw new UsageError(`Jaeger did not answer within 60 s: read ${paths.logFile('jaeger')}`);
    await delay(250);
  }
}
