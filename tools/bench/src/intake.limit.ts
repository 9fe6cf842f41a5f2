import { freePort, startService, waitUntilReady, type InfraEnv } from '@orderflow/testing';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { LoadGenerator, type OrderPlan } from '@orderflow/stack';

export interface IntakeLimit {
  orders: number;
  clients: number;
  /** Accepted POSTs per second at the bare endpoint. */
  perSecond: number;
}

const ROOT = join(__dirname, '../../..');

/**
 * Starts the bare Nest intake (intake-limit.app.ts) as its own process and places the same
 * orders at it with the same client and concurrency as a closed-loop run, once per pair.
 */
export async function intakeLimits(infra: InfraEnv, runs: readonly { plans: OrderPlan[]; clients: number }[]): Promise<IntakeLimit[]> {
  const database = `bench-intake-${randomUUID().slice(0, 8)}`;
  const app = startService(
    'bare-intake',
    {
      MONGODB_URI: infra.MONGODB_URI,
      MONGODB_DATABASE: database,
      PORT: String(await freePort()),
      NODE_OPTIONS: '--import tsx',
      TSX_TSCONFIG_PATH: join(ROOT, 'tools/bench/tsconfig.json'),
    },
    join(__dirname, 'intake-limit.app.ts'),
  );
  try {
    await waitUntilReady(app, 60_000);
    const limits: IntakeLimit[] = [];
    for (const { plans, clients } of runs) {
      // The bare app checks no token; the header is sent so both clients send the same request.
      const bearer = `Bearer ${'x'.repeat(600)}`;
      const result = await new LoadGenerator(app.url, () => bearer).closed(
        plans.map(({ customerId, items }) => ({ customerId, items })),
        clients,
      );
      limits.push({ orders: plans.length, clients, perSecond: (result.accepted.length * 1000) / (result.endedAt - result.startedAt) });
    }
    return limits;
  } finally {
    await app.stop('SIGTERM');
    const connection = await mongoose.createConnection(infra.MONGODB_URI).asPromise();
    await connection.useDb(database).dropDatabase();
    await connection.close();
  }
}
