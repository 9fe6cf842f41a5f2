import {
  call,
  customerToken,
  placeOrder,
  putProduct,
  type OrderLine,
  serviceUrl,
  type ServiceName,
  pendingToFinal,
  summarize,
  type HistoryEntry,
  type Percentiles,
  LoadGenerator,
  type Mix,
  inPool,
  waitAllFinal,
  waitCaughtUp,
} from '@orderflow/stack';
import type { ProgressLine } from './bench.progress';
import { sampleProcess } from './process.cpu';

/** What a stack answers at one amount of stored data: read routes, idle CPU, one order at a time. */
export interface StoredPoint {
  storedOrders: number;
  /** Every read route, one call at a time, once the stack has been idle for `idleSeconds`. */
  reads: RouteLatency[];
  /**
   * The same, right after storing, before the stack settled: what the writes just stored still
   * cost in the background (the journal's compaction, the collectors) shows here and not above.
   */
  readsAfterStoring: RouteLatency[];
  /** Share of one core each process used while nothing was placed or read. */
  idleCores: Record<string, number>;
  idleSeconds: number;
  /** PENDING → final of orders placed one at a time, from the orders' own history (server time). */
  single: Percentiles;
}

export interface StoredResult {
  name: string;
  points: StoredPoint[];
  failures: Record<string, number>;
}

interface RouteLatency {
  route: string;
  latencyMs: Percentiles;
}

interface Probe {
  customerId: string;
  orderId: string;
  sku: string;
}

const ROUTES: { route: string; service: ServiceName; path: (p: Probe) => string }[] = [
  { route: 'GET /orders/{id}', service: 'order-api', path: (p) => `/orders/${p.orderId}` },
  { route: 'GET /orders?customerId=', service: 'order-api', path: (p) => `/orders?customerId=${p.customerId}&limit=20` },
  { route: 'GET /orders/{id}/timeline', service: 'order-api', path: (p) => `/orders/${p.orderId}/timeline` },
  { route: 'GET /customers/{id}/points', service: 'points-service', path: (p) => `/customers/${p.customerId}/points` },
  {
    route: 'GET /notifications?customerId=',
    service: 'notification-service',
    path: (p) => `/notifications?customerId=${p.customerId}&limit=20`,
  },
  { route: 'GET /notifications?orderId=', service: 'notification-service', path: (p) => `/notifications?orderId=${p.orderId}` },
  { route: 'GET /products/{sku}', service: 'inventory-service', path: (p) => `/products/${p.sku}` },
];

export interface StoredContext {
  pids: Record<string, number>;
  ticksPerSecond: number;
  deadlineSeconds: number;
  progress: ProgressLine;
}

/**
 * The flat-reads run: stores orders through the API up to each of `checkpoints` (e.g. 1,000
 * then 100,000), and at each one measures, one call at a time, every read route (as staff,
 * for customers and orders spread over all stored so far) right after storing and again
 * once the stack has been idle, the CPU of every process while it is idle, and orders placed
 * one at a time. Cost that grows with the data shows
 * as the last point's figures over the first's.
 */
export async function measureStored(name: string, mix: Mix, checkpoints: number[], ctx: StoredContext): Promise<StoredResult> {
  const say = (text: string) => ctx.progress.update(`${name}: ${text}`);
  const pageCustomers = withFullPages(mix, checkpoints[0]);
  await inPool(mix.products, 8, ({ sku, price, stock }) => putProduct(sku, { price, stock }));
  const customers = [...new Set(mix.orders.map((o) => o.customerId))];
  const authorization = new Map(await inPool(customers, 8, async (c) => [c, `Bearer ${await customerToken(c)}`] as const));
  const placed: { id: string; customerId: string }[] = [];
  const failures: Record<string, number> = {};
  const points: StoredPoint[] = [];
  for (const target of checkpoints) {
    const plans = mix.orders.slice(placed.length, target);
    const started = Date.now();
    const generator = new LoadGenerator(
      serviceUrl('order-api'),
      (c) => authorization.get(c) as string,
      (sent, answered) => say(`storing orders ${placed.length + answered}/${target}, ${((Date.now() - started) / 1000).toFixed(0)} s`),
    );
    const load = await generator.closed(plans, 64);
    for (const [status, count] of Object.entries(load.failures)) failures[status] = (failures[status] ?? 0) + count;
    placed.push(...load.accepted.map((a) => ({ id: a.id, customerId: a.customerId })));
    say(`waiting until the ${placed.length} stored orders are final`);
    await waitAllFinal([...new Set(plans.map((p) => p.customerId))], Date.now() + ctx.deadlineSeconds * 1000, (behind) =>
      say(`${behind} events not consumed yet`),
    );
    await waitCaughtUp(ctx.deadlineSeconds * 1000);
    points.push(await measurePoint(placed, pageCustomers, mix, ctx, say));
  }
  return { name, points, failures };
}

/** Customers whose lists are probed: each holds a full page from the first checkpoint on. */
const PAGE_CUSTOMERS = 20;
const PAGE = 20;

/**
 * Gives `PAGE_CUSTOMERS` customers more than a page of orders among the first `firstCheckpoint`
 * (the rest stay as planned). A customer's list is then a full page of `PAGE` at every point,
 * so a list route reads the same amount at 1,000 stored orders as at 100,000 and only what is
 * stored around it grows; with orders spread over 2,000 customers the lists would otherwise be
 * nearly empty at the first point and full at the last. Returns those customers.
 */
function withFullPages(mix: Mix, firstCheckpoint: number): string[] {
  const customers = mix.customers.slice(0, PAGE_CUSTOMERS);
  const perCustomer = Math.min(PAGE + 5, Math.floor(firstCheckpoint / 2 / PAGE_CUSTOMERS));
  for (let i = 0; i < customers.length * perCustomer; i++) mix.orders[2 * i].customerId = customers[i % customers.length];
  return customers;
}

async function measurePoint(
  placed: { id: string; customerId: string }[],
  pageCustomers: string[],
  mix: Mix,
  ctx: StoredContext,
  say: (text: string) => void,
): Promise<StoredPoint> {
  // Orders spread over everything stored, oldest to newest; lists of customers with a full page.
  const probes: Probe[] = Array.from({ length: 50 }, (_, i) => {
    const order = placed[Math.floor(((i + 0.5) / 50) * placed.length)];
    const customerId = pageCustomers[i % pageCustomers.length];
    return { customerId, orderId: order.id, sku: mix.products[i % mix.products.length].sku };
  });
  const readsAfterStoring = await measureReads(probes, say);
  const idleSeconds = 20;
  say(`measuring CPU with the stack idle for ${idleSeconds} s`);
  const before = Object.fromEntries(Object.entries(ctx.pids).map(([n, pid]) => [n, sampleProcess(pid).ticks]));
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const idleCores = Object.fromEntries(
    Object.entries(ctx.pids).map(([n, pid]) => [n, (sampleProcess(pid).ticks - before[n]) / ctx.ticksPerSecond / idleSeconds]),
  );

  const reads = await measureReads(probes, say);

  say('placing orders one at a time');
  const single: number[] = [];
  const customer = placed[0].customerId;
  const token = `Bearer ${await customerToken(customer)}`;
  for (let i = 0; i < 40; i++) {
    const items: OrderLine[] = [{ sku: mix.products[i % mix.products.length].sku, quantity: 1 }];
    const { id } = (await placeOrder(customer, items, { authorization: token })) as { id: string };
    const span = await finalSpan(id);
    if (span !== undefined) single.push(span);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { storedOrders: placed.length, reads, readsAfterStoring, idleCores, idleSeconds, single: summarize(single) };
}

/**
 * Calls per probe and route: 20 rounds over 50 probes make 1,000 calls, so a route's p99 rests
 * on ten calls rather than one, and one slow call on a shared machine does not make it.
 */
const ROUNDS = 20;

/**
 * Every read route, one call at a time, `ROUNDS` times over the probes. The routes take turns
 * call by call, so a pause of the machine (a collector, the journal's compaction) falls on
 * all of them alike rather than on whichever route was being read at that moment.
 */
async function measureReads(probes: Probe[], say: (text: string) => void): Promise<RouteLatency[]> {
  const latencies = ROUTES.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    say(`reading every route, round ${round + 1}/${ROUNDS}`);
    for (const probe of probes) {
      for (const [r, { route, service, path }] of ROUTES.entries()) {
        const started = performance.now();
        const response = await call(service, 'GET', path(probe));
        latencies[r].push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
      }
    }
  }
  return ROUTES.map(({ route }, r) => ({ route, latencyMs: summarize(latencies[r].map((ms) => Math.round(ms * 10) / 10)) }));
}

/** PENDING → final of one order from its history, polling until it is final (at most 30 s). */
async function finalSpan(id: string): Promise<number | undefined> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await call<{ history?: HistoryEntry[] }>('order-api', 'GET', `/orders/${id}`);
    const span = response.status === 200 ? pendingToFinal(response.body.history ?? []) : undefined;
    if (span) return span.finalAt - span.pendingAt;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
