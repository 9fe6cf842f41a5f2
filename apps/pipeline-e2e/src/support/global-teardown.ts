import './register-paths';
import { infraEnv } from '@orderflow/testing';
import mongoose from 'mongoose';
import { rmSync } from 'node:fs';
import { currentInstance, killAndWait, runSummary, SERVICES } from '@orderflow/stack';

/**
 * Prints what the run adds to jest's summary (how often the services throttled it, which
 * tests it did not run and why), stops the services this run started (each must exit
 * cleanly) and drops their databases. A service a test killed and started again is stopped
 * through its recorded pid.
 */
export default async function globalTeardown(): Promise<void> {
  const reportDir = process.env['E2E_REPORT_DIR'];
  if (reportDir) {
    process.stdout.write(
      `\npipeline-e2e summary\n${runSummary()
        .map((line) => `  ${line}`)
        .join('\n')}\n`,
    );
    rmSync(reportDir, { recursive: true, force: true });
  }
  const run = process.env['E2E_RUN_ID'];
  const replaced = new Set<string>();
  if (run) {
    for (const s of SERVICES) {
      const instance = currentInstance(run, s.name);
      if (instance.original) continue;
      replaced.add(s.name);
      await killAndWait(instance.pid, 'SIGTERM');
    }
  }
  const services = (globalThis.__E2E_SERVICES__ ?? []).filter((service) => !replaced.has(service.name));
  const codes = await Promise.all(services.map((service) => service.stop('SIGTERM')));
  if (run) {
    const connection = await mongoose.createConnection(infraEnv().MONGODB_URI).asPromise();
    for (const s of SERVICES) await connection.useDb(`${s.database}-e2e-${run}`).dropDatabase();
    await connection.close();
  }
  const unclean = services
    .map((s, i) => ({ service: s, code: codes[i] }))
    .filter(({ code }) => code !== 0)
    .map(({ service, code }) => `${service.name} exited with ${code}:\n${service.output().slice(-2000)}`);
  await globalThis.__E2E_TOKEN_ISSUER__?.stop();
  if (unclean.length > 0) throw new Error(`not stopped cleanly: ${unclean.join('\n')}`);
}
