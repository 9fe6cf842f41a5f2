import {
  customerToken,
  putProduct,
  serviceUrl,
  checkInvariants,
  type InvariantReport,
  pendingToFinal,
  quarters,
  summarize,
  LoadGenerator,
  refusedCount,
  type Mix,
  inPool,
  messagesOnTopics,
  readState,
  waitAllFinal,
  waitCaughtUp,
} from '@orderflow/stack';
import type { RunResult } from './bench.report';
import type { ProgressLine } from './bench.progress';
import { cpuCosts, sampleProcess, ticksBetween, type CpuPoint, type ProcessSample } from './process.cpu';
import { censusBetween, censusPoint, documentsWithOutbox } from './cost.census';

export interface RunSpec {
  name: string;
  kind: RunResult['kind'];
  mix: Mix;
  clients?: number;
  rate?: number;
  /** The flash sale: every unit of every product must end reserved, none more. */
  soldOut?: boolean;
}

export interface RunContext {
  /** The processes whose CPU and memory count: services, broker, database. */
  pids: Record<string, number>;
  /** Where the services' database is, for the census of its journal. */
  mongoUri: string;
  ticksPerSecond: number;
  deadlineSeconds: number;
  progress: ProgressLine;
}

const sampleAll = (pids: Record<string, number>): Record<string, ProcessSample> =>
  Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, sampleProcess(pid)]));

/** CPU of all the processes together, once a second, so that a flat run can tell each quarter's cost. */
function cpuTimeline(pids: Record<string, number>): { points: CpuPoint[]; stop: () => void } {
  const points: CpuPoint[] = [];
  const sample = () => points.push({ at: Date.now(), ticks: Object.values(sampleAll(pids)).reduce((sum, p) => sum + p.ticks, 0) });
  sample();
  const timer = setInterval(sample, 1000);
  return { points, stop: () => (clearInterval(timer), sample()) };
}

/** Points and notifications trail the orders; these checks may need time after the orders are final. */
const TRAILING = new Set(['points exact', 'notifications exact']);
/** Give up on them once this long passes without a violation fewer. */
const STALL_MS = 60_000;

/** Published outbox entries wait up to 3 s for their removal (the services' relay); a little more for the relay's turn. */
const OUTBOX_SETTLE_MS = 10_000;

/** Polls `count` until it is back to `target` or less, at most `timeoutMs`. */
async function settled(count: () => Promise<number>, target: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await count()) > target) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

/** Adds the flash sale's check: each product's whole stock reserved, exactly. */
function withSoldOut(report: InvariantReport, state: Awaited<ReturnType<typeof readState>>): InvariantReport {
  const violations = state.products.flatMap((p) =>
    p.reserved === p.stock && p.available === 0 ? [] : [`${p.sku}: ${p.reserved} of ${p.stock} reserved, ${p.available} left`],
  );
  const checks = [...report.checks, { name: 'sold out exactly', violations }];
  return { ...report, checks, ok: report.ok && violations.length === 0 };
}

const violationCount = (report: InvariantReport) => report.checks.reduce((sum, c) => sum + c.violations.length, 0);
const onlyTrailing = (report: InvariantReport) => report.checks.every((c) => c.violations.length === 0 || TRAILING.has(c.name));

/**
 * One run: creates the run's products, places its orders, waits until all are final and
 * every consumer has caught up, samples CPU around all that, then reads the end state and
 * checks the invariants.
 */
export async function measureRun(spec: RunSpec, ctx: RunContext): Promise<RunResult> {
  const { mix, name } = spec;
  const say = (text: string) => ctx.progress.update(`${name}: ${text}`);
  await inPool(mix.products, 8, ({ sku, price, stock }) => putProduct(sku, { price, stock }));
  const customerIds = [...new Set(mix.orders.map((o) => o.customerId))];
  const authorization = new Map(await inPool(customerIds, 8, async (c) => [c, `Bearer ${await customerToken(c)}`] as const));

  const outboxesBefore = await documentsWithOutbox(ctx.mongoUri);
  const censusBefore = await censusPoint(ctx.mongoUri);
  const before = sampleAll(ctx.pids);
  const timeline = cpuTimeline(ctx.pids);
  const clientBefore = process.cpuUsage();
  const messagesBefore = await messagesOnTopics();
  const started = Date.now();
  const generator = new LoadGenerator(
    serviceUrl('order-api'),
    (customerId) => authorization.get(customerId) as string,
    (sent, answered, total) => say(`sent ${sent}/${total}, answered ${answered}, ${((Date.now() - started) / 1000).toFixed(1)} s`),
  );
  const load =
    spec.kind === 'open'
      ? await generator.open(mix.orders, spec.rate as number)
      : await generator.closed(mix.orders, spec.clients as number);

  const customers = [...new Set(load.accepted.map((a) => a.customerId))];
  const allFinal = await waitAllFinal(customers, Date.now() + ctx.deadlineSeconds * 1000, (behind) =>
    say(`all ${load.accepted.length} accepted; ${behind} events not consumed yet, ${((Date.now() - started) / 1000).toFixed(1)} s`),
  );
  const deadline = Date.now() + ctx.deadlineSeconds * 1000;
  if (allFinal) {
    say('waiting for every consumer to catch up');
    await waitCaughtUp(Math.max(60_000, deadline - Date.now()));
    say('waiting for the outboxes to be emptied');
    await settled(() => documentsWithOutbox(ctx.mongoUri), outboxesBefore, Math.min(OUTBOX_SETTLE_MS, deadline - Date.now()));
  }
  const after = sampleAll(ctx.pids);
  timeline.stop();
  const client = process.cpuUsage(clientBefore);
  const census = censusBetween(censusBefore, await censusPoint(ctx.mongoUri), load.accepted.length);

  say('reading the end state and checking the invariants');
  let state = await readState(mix.products, customers, load.accepted.length);
  let invariants = checkInvariants(state);
  // Retry while only trailing work is missing and it keeps arriving: a stall or a broken
  // stock invariant is reported as it is, without waiting for the deadline.
  let fewest = violationCount(invariants);
  let improvedAt = Date.now();
  while (!invariants.ok && allFinal && onlyTrailing(invariants) && Date.now() - improvedAt < STALL_MS && Date.now() < deadline) {
    say(`waiting for ${violationCount(invariants)} trailing points/notifications`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    state = await readState(mix.products, customers, load.accepted.length);
    invariants = checkInvariants(state);
    if (violationCount(invariants) < fewest) [fewest, improvedAt] = [violationCount(invariants), Date.now()];
  }

  if (spec.soldOut) invariants = withSoldOut(invariants, state);

  // Counted after the trailing points and notifications, which publish too.
  const messages = (await messagesOnTopics()) - messagesBefore;
  const cancelled = new Set(state.orders.filter((o) => o.status === 'CANCELLED').map((o) => o.id));
  const spans = state.orders.flatMap((o) => {
    const span = pendingToFinal(o.history ?? []);
    return span ? [{ ...span, cancelled: cancelled.has(o.id) }] : [];
  });
  const firstPending = Math.min(...spans.map((s) => s.pendingAt));
  const lastFinal = Math.max(...spans.map((s) => s.finalAt));
  const statuses: Record<string, number> = {};
  for (const o of state.orders) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  const seconds = (ms: number) => Math.max(ms, 1) / 1000;
  return {
    name,
    kind: spec.kind,
    orders: mix.orders.length,
    ...(spec.clients !== undefined && { clients: spec.clients }),
    ...(spec.rate !== undefined && { offered: spec.rate }),
    accepted: load.accepted.length,
    refused: refusedCount(load.failures),
    failures: load.failures,
    statuses,
    intakePerSecond: load.accepted.length / seconds(load.endedAt - load.startedAt),
    finalPerSecond: spans.length / seconds(lastFinal - firstPending),
    latencyMs: summarize(spans.filter((s) => !s.cancelled).map((s) => s.finalAt - s.pendingAt)),
    kafkaMessages: messages,
    kafkaMessagesPerSecond: messages / seconds(lastFinal - firstPending),
    cpu: cpuCosts(before, after, load.accepted.length, ctx.ticksPerSecond),
    census,
    clientCpuMsPerOrder: (client.user + client.system) / 1000 / Math.max(1, load.accepted.length),
    ...(spec.kind === 'flat' && {
      quarters: quarters(spans).map((q) => ({
        perSecond: (q.orders * 1000) / Math.max(1, q.to - q.from),
        cpuMsPerOrder: ((ticksBetween(timeline.points, q.from, q.to) / ctx.ticksPerSecond) * 1000) / Math.max(1, q.orders),
      })),
    }),
    allFinal,
    invariants,
  };
}
