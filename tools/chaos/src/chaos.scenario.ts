import { eventually } from '@orderflow/testing';
import {
  checkInvariants,
  type InvariantReport,
  pendingToFinal,
  LoadGenerator,
  planMix,
  STANDARD,
  inPool,
  readState,
  waitAllFinal,
  customerToken,
  putProduct,
  serviceUrl,
} from '@orderflow/stack';
import { deadLetterCounts, inject, type FaultContext, type FaultKind, type InjectedFault } from './chaos.faults';
import { tally, type Tally } from './chaos.tally';

export interface ScenarioSpec {
  name: string;
  /** The faults in the order they are injected, or a function choosing the next one (long run). */
  faults: FaultKind[] | ((random: () => number) => FaultKind);
  loadSeconds: number;
  rate: number;
  seed: number;
}

export interface ScenarioResult {
  name: string;
  faults: { kind: FaultKind; detail: string; recoveredAt: number }[];
  tally: Tally;
  poison: { expected: number; parked: number };
  /** From the last fault's recovery to the last order placed before it becoming final (ms). */
  recoveryMs: number | null;
  invariants: InvariantReport;
  seconds: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Deadline for everything to settle after the load and the last fault. */
const SETTLE_MS = 300_000;
/** Gap between faults, so each one's recovery overlaps the load, not only the next fault. */
const GAP_MS = 3_000;

/**
 * One scenario: its own products and customers, steady open-loop load from the benchmark's
 * generator, the faults injected one after the other while the load runs, then a wait until
 * every order is final and every service caught up, and the end state checked.
 */
export async function runScenario(spec: ScenarioSpec, ctx: FaultContext): Promise<ScenarioResult> {
  const started = Date.now();
  const say = (text: string) => ctx.log(`${spec.name}: ${text}`);
  const mix = planMix({
    ...STANDARD,
    tag: `chaos-${spec.name.replace(/[^A-Za-z0-9]+/g, '-')}-${spec.seed}-${started.toString(36)}`,
    orders: Math.round(spec.rate * spec.loadSeconds),
    seed: spec.seed,
  });
  await inPool(mix.products, 8, ({ sku, price, stock }) => putProduct(sku, { price, stock }));
  const authorization = new Map(await inPool(mix.customers, 8, async (c) => [c, `Bearer ${await customerToken(c)}`] as const));
  const dltBefore = await deadLetterCounts(ctx.infra.brokers);
  const poisonedBefore = new Map(ctx.poisoned);

  const loadEnds = started + spec.loadSeconds * 1000;
  const load = new LoadGenerator(serviceUrl('order-api'), (customerId) => authorization.get(customerId) as string).open(
    mix.orders,
    spec.rate,
  );
  const faults: InjectedFault[] = [];
  await pause(2_000);
  const planned = Array.isArray(spec.faults) ? [...spec.faults] : [];
  for (;;) {
    const kind = Array.isArray(spec.faults) ? planned.shift() : Date.now() < loadEnds - 10_000 ? spec.faults(ctx.random) : undefined;
    if (kind === undefined) break;
    const fault = await inject(kind, ctx);
    faults.push(fault);
    say(`${faults.length}. ${fault.detail}`);
    await pause(GAP_MS);
  }
  const result = await load;
  const recovered = await Promise.all(faults.map(async (f) => ({ kind: f.kind, detail: f.detail, recoveredAt: await f.recovered })));
  say(`load done: ${result.accepted.length} of ${mix.orders.length} accepted; waiting until every order is final`);

  const acceptedIds = result.accepted.map((a) => a.id);
  const customers = mix.customers;
  await waitAllFinal(customers, Date.now() + SETTLE_MS, () => undefined);
  const dltAfter = await deadLetterCounts(ctx.infra.brokers);
  let expectedPoison = 0;
  let unexpected = 0;
  let parked = 0;
  for (const [dlt, after] of dltAfter) {
    const expected = (ctx.poisoned.get(dlt) ?? 0) - (poisonedBefore.get(dlt) ?? 0);
    const delta = after - (dltBefore.get(dlt) ?? 0);
    expectedPoison += expected;
    parked += Math.min(delta, expected);
    unexpected += Math.max(0, delta - expected);
  }

  // Points and notifications trail the orders: read again while they keep arriving.
  const settleBy = Date.now() + SETTLE_MS;
  // A replica that has just come back may still answer a read with a 5xx: read again, within
  // a deadline, rather than lose the run's figures to it.
  const read = () => eventually(() => readState(mix.products, customers, 0), { timeoutMs: 120_000, intervalMs: 2_000 });
  let state = await read();
  let counts = tally({ placed: mix.orders.length, acceptedIds, state, unexpectedDeadLetters: unexpected });
  // A notification sent just before the database died, whose "sent" could not be stored,
  // stays PENDING until its lease runs out (the webhook timeout + 10 s) and is sent again.
  const trailing = () => counts.lost > 0 || counts.doubled > 0 || state.notifications.some((n) => n.status === 'PENDING');
  while (trailing() && Date.now() < settleBy) {
    await pause(2_000);
    state = await read();
    counts = tally({ placed: mix.orders.length, acceptedIds, state, unexpectedDeadLetters: unexpected });
  }
  // Orders whose 202 was lost with a killed order-api exist too; they must be as sound.
  const invariants = checkInvariants({ ...state, accepted: state.orders.length });

  const lastRecovery = recovered.length > 0 ? Math.max(...recovered.map((f) => f.recoveredAt)) : null;
  let recoveryMs: number | null = null;
  if (lastRecovery !== null) {
    const finals = state.orders.flatMap((o) => {
      const span = pendingToFinal(o.history ?? []);
      return span && span.pendingAt <= lastRecovery ? [span.finalAt] : [];
    });
    recoveryMs = finals.length > 0 ? Math.max(0, Math.max(...finals) - lastRecovery) : 0;
  }
  return {
    name: spec.name,
    faults: recovered,
    tally: counts,
    poison: { expected: expectedPoison, parked },
    recoveryMs,
    invariants,
    seconds: (Date.now() - started) / 1000,
  };
}
