import './register-paths';
import {
  freePort,
  infraEnv,
  startService,
  startTokenIssuer,
  waitUntilReady,
  type ServiceProcess,
  type TokenIssuerProcess,
} from '@orderflow/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordInstance, securityEnv, SERVICES } from '@orderflow/stack';

declare global {
  var __E2E_SERVICES__: ServiceProcess[] | undefined;
  var __E2E_TOKEN_ISSUER__: TokenIssuerProcess | undefined;
}

/**
 * Starts the four built services as real processes against the local (or given) Kafka and
 * MongoDB, each with databases of its own for this run, and waits until all are ready.
 * With ORDER_API_URL, INVENTORY_URL, POINTS_URL and NOTIFICATIONS_URL all set, it starts
 * nothing and the suite runs against that deployment instead; TOKEN_ISSUER_URL must then
 * name an issuer that deployment trusts (tools/token-issuer, which signs any token asked
 * for, so only on a test deployment). Otherwise it starts the local token issuer first.
 */
export default async function globalSetup(): Promise<void> {
  // Where the tests leave what the summary at the end reports (run.report.ts).
  process.env['E2E_REPORT_DIR'] = mkdtempSync(join(tmpdir(), 'orderflow-e2e-report-'));
  if (SERVICES.every((s) => process.env[s.urlVariable])) {
    process.stdout.write('\npipeline-e2e: testing the services at the given URLs\n');
    if (!process.env['TOKEN_ISSUER_URL']) throw new Error('TOKEN_ISSUER_URL must name a token issuer the services at the given URLs trust');
    return;
  }
  const issuer = await startTokenIssuer();
  globalThis.__E2E_TOKEN_ISSUER__ = issuer;
  process.env['TOKEN_ISSUER_URL'] = issuer.url;
  const infra = infraEnv();
  const run = randomUUID().slice(0, 8);
  process.env['E2E_RUN_ID'] = run;
  process.stdout.write(`\npipeline-e2e: starting the four services (run ${run})\n`);
  const started: ServiceProcess[] = [];
  for (const s of SERVICES) {
    const env = { ...infra, ...securityEnv(issuer.url), PORT: String(await freePort()), MONGODB_DATABASE: `${s.database}-e2e-${run}` };
    const service = startService(s.name, env);
    recordInstance(run, s.name, { pid: service.pid, env, original: true });
    started.push(service);
  }
  globalThis.__E2E_SERVICES__ = started;
  await Promise.all(started.map((service) => waitUntilReady(service)));
  SERVICES.forEach((s, i) => (process.env[s.urlVariable] = started[i].url));
  process.env['E2E_LOCAL_SERVICES'] = 'true';
}
