import { eventually, uniqueName } from '@orderflow/testing';
import {
  call,
  FINAL,
  getOrder,
  placeOrder,
  putProduct,
  type OrderLine,
  allFinal,
  expectNotifiedOnce,
  expectPointsExactlyOnce,
  expectStockConsistent,
  ordersOf,
  type PlacedOrder,
  type Stocked,
  killService,
  pauseService,
  HttpPoster,
  customerToken,
  serviceUrl,
  startServiceAgain,
  lagOf,
  withKafkaAdmin,
  type ServiceName,
} from '@orderflow/stack';
import { midFlightProblems, type KillSnapshot } from './support/kill.snapshot';
import { withOwnServices } from './support/own-services';

const localOnly = withOwnServices('it kills each service with SIGKILL mid-flight and starts it again');

/** Fresh products: `scarce` of them with little stock (so some orders are rejected), the rest plenty. */
async function products(prefix: string, scarce: number, plenty: number): Promise<Stocked[]> {
  const made = [
    ...Array.from({ length: scarce }, (_, i) => ({ sku: uniqueName(`${prefix}S${i}`), stock: 30, price: 1250 + i })),
    ...Array.from({ length: plenty }, (_, i) => ({ sku: uniqueName(`${prefix}P${i}`), stock: 10_000, price: 250 + i })),
  ];
  for (const { sku, stock, price } of made) await putProduct(sku, { price, stock });
  return made;
}

/** The lines of the i-th order of a burst: one SKU, and every third order a second one. */
function linesOf(i: number, stocked: Stocked[]): OrderLine[] {
  const lines = [{ sku: stocked[i % stocked.length].sku, quantity: 1 + (i % 3) }];
  if (i % 3 === 0 && stocked.length > 1) lines.push({ sku: stocked[(i + 1) % stocked.length].sku, quantity: 1 });
  return lines;
}

/** Places orders `from`..`to`-1 of a burst at once; resolves with their ids. */
async function burst(from: number, to: number, customers: string[], stocked: Stocked[]): Promise<string[]> {
  const placed = await Promise.all(
    Array.from({ length: to - from }, (_, k) => from + k).map((i) => placeOrder(customers[i % customers.length], linesOf(i, stocked))),
  );
  return placed.map((order) => order.id);
}

/** A burst whose orders are all final before it returns, so their events wait for the service held still. */
async function confirmedBurst(from: number, to: number, customers: string[], stocked: Stocked[]): Promise<string[]> {
  const ids = await burst(from, to, customers, stocked);
  await allFinal(ids, 120_000);
  return ids;
}

/**
 * Places `orders` while `service` is held still (SIGSTOP), so they wait for it as a backlog
 * when it goes on (SIGCONT): a kill soon after lands in the middle of working through them.
 */
async function withBacklog<T>(service: ServiceName, orders: () => Promise<T>): Promise<T> {
  pauseService(service, true);
  try {
    return await orders();
  } finally {
    pauseService(service, false);
  }
}

/**
 * Kills `service` with SIGKILL in the middle of a backlog: holds it still while `backlog`
 * places orders `from`..`to`-1 for it, lets it go, and kills it as soon as `working` says it
 * is at them. Its consumer lag is read right after the kill, while it is dead: that is the
 * state at the moment of the kill. A kill that still landed after everything was committed
 * proves nothing, so the service is started again and the next, bigger backlog tried; once
 * one lands mid-flight, `whileDown` places more orders before the service is started again.
 * Returns every order placed and the snapshot of the last kill.
 */
async function killMidFlight(
  service: ServiceName,
  sizes: number[],
  backlog: (from: number, to: number) => Promise<string[]>,
  working: () => Promise<boolean>,
  whileDown: (from: number) => Promise<string[]>,
): Promise<{ ids: string[]; atKill: KillSnapshot }> {
  const ids: string[] = [];
  let atKill: KillSnapshot = { service, lag: [] };
  for (const size of sizes) {
    ids.push(...(await withBacklog(service, () => backlog(ids.length, ids.length + size))));
    await started(`${service} is working through the backlog`, working);
    await killService(service, 'SIGKILL');
    try {
      atKill = { service, lag: await withKafkaAdmin((admin) => lagOf(admin, service)) };
      if (midFlightProblems(atKill).length === 0) {
        ids.push(...(await whileDown(ids.length)));
        return { ids, atKill };
      }
    } finally {
      await startServiceAgain(service);
    }
  }
  return { ids, atKill };
}

/** The kill landed mid-flight: the service had events it had not finished with. */
function expectKilledMidFlight(atKill: KillSnapshot): void {
  expect(midFlightProblems(atKill)).toEqual([]);
}

/** Polls until `probe` says the service has started on the burst (some, usually not all, of it done). */
const started = (what: string, probe: () => Promise<boolean>) =>
  eventually(
    async () => {
      if (!(await probe())) throw new Error(`waiting until ${what}`);
    },
    { timeoutMs: 60_000, intervalMs: 25 },
  );

const isFinal = async (id: string) => FINAL.includes((await getOrder(id)).status);

/** Whether the service answers HTTP: after SIGCONT, that it runs again. */
const answers = async (service: ServiceName) => (await call(service, 'GET', '/health/live')).status === 200;

/** After recovery: every order final, and stock, points and notifications exactly what the orders say. */
async function expectConverged(ids: string[], stocked: Stocked[]): Promise<PlacedOrder[]> {
  const orders = await allFinal(ids, 300_000);
  await expectStockConsistent(stocked, orders);
  await expectPointsExactlyOnce(orders, 300_000);
  await expectNotifiedOnce(orders, 300_000);
  return orders;
}

localOnly('a service killed with SIGKILL mid-flight, then started again, loses nothing', () => {
  const customers = () => Array.from({ length: 10 }, () => uniqueName('crash'));

  it('inventory-service, with a backlog in flight: every order final, stock exactly consistent', async () => {
    const stocked = await products('INV', 2, 2);
    const who = customers();
    let placed: string[] = [];
    const { ids, atKill } = await killMidFlight(
      'inventory-service',
      [60, 150, 300],
      async (from, to) => (placed = await burst(from, to, who, stocked)),
      async () => (await Promise.all(placed.slice(0, 10).map(isFinal))).some(Boolean),
      (from) => burst(from, from + 40, who, stocked),
    );

    const orders = await expectConverged(ids, stocked);
    expectKilledMidFlight(atKill);
    expect(orders.filter((o) => o.status === 'CONFIRMED').length).toBeGreaterThan(0);
    expect(orders.filter((o) => o.status === 'REJECTED').length).toBeGreaterThan(0);
  }, 900_000);

  it('points-service, with a backlog in flight: points exactly once per confirmed order', async () => {
    const stocked = await products('PTS', 0, 3);
    const who = customers();
    const { ids, atKill } = await killMidFlight(
      'points-service',
      [120, 250, 500],
      (from, to) => confirmedBurst(from, to, who, stocked),
      // It takes a backlog in one batch, a write and a commit: killed as soon as it answers again.
      () => answers('points-service'),
      (from) => burst(from, from + 10, who, stocked),
    );

    await expectConverged(ids, stocked);
    expectKilledMidFlight(atKill);
  }, 900_000);

  it('notification-service, with a backlog in flight: one notification per order and kind, all sent', async () => {
    const stocked = await products('NTF', 1, 2);
    const who = customers();
    const { ids, atKill } = await killMidFlight(
      'notification-service',
      [90, 200, 400],
      (from, to) => confirmedBurst(from, to, who, stocked),
      // Like points-service: killed as soon as it answers again.
      () => answers('notification-service'),
      (from) => burst(from, from + 10, who, stocked),
    );

    await expectConverged(ids, stocked);
    expectKilledMidFlight(atKill);
  }, 900_000);

  it('order-api, while taking 40 orders: every order it accepted (202) still exists and reaches a final state', async () => {
    const stocked = await products('ORD', 1, 2);
    const who = customers();
    const order = (i: number) => ({ customerId: who[i % who.length], items: linesOf(i, stocked) });
    let answered = 0;
    let frozen: () => void = () => undefined;
    const frozenAtTwenty = new Promise<void>((resolve) => (frozen = resolve));
    // Orders keep coming while order-api dies: some are accepted, some are cut off. At the
    // 20th answer it is frozen where it stands (SIGSTOP), whatever it holds half done.
    const attempts = Array.from({ length: 40 }, (_, i) =>
      call('order-api', 'POST', '/orders', order(i)).then((response) => {
        answered += 1;
        if (answered === 20) {
          pauseService('order-api', true);
          frozen();
        }
        return response;
      }),
    );
    // However fast it answered the other 20, these 5 are written to its socket while it is
    // frozen: the kill lands with them in flight, for certain.
    const allAnswered = Promise.allSettled(attempts).then(() => {
      if (answered < 20) throw new Error(`order-api answered only ${answered} of 40 orders before it was killed`);
    });
    await Promise.race([frozenAtTwenty, allAnswered]);
    const poster = new HttpPoster();
    const late = await Promise.all(
      Array.from({ length: 5 }, async (_, k) => {
        const { customerId, items } = order(40 + k);
        const headers = { authorization: `Bearer ${await customerToken(customerId)}`, 'content-type': 'application/json' };
        let written: () => void = () => undefined;
        const inFlight = new Promise<void>((resolve) => (written = resolve));
        const answer = poster.post(`${serviceUrl('order-api')}/orders`, headers, JSON.stringify({ customerId, items }), written);
        await inFlight;
        return { answer }; // not the answer itself: it comes only after the kill
      }),
    );
    try {
      await killService('order-api', 'SIGKILL');
    } finally {
      poster.close();
      await startServiceAgain('order-api');
    }
    const outcomes = await Promise.allSettled(attempts);

    const accepted = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value.status === 202 ? [o.value.body.id as string] : []));
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    // The requests in flight when it died were cut off without an answer.
    expect((await Promise.all(late.map(({ answer }) => answer))).map((answer) => answer.status)).toEqual([0, 0, 0, 0, 0]);
    for (const outcome of outcomes) {
      // A request order-api answered at all was accepted; the rest found it gone.
      if (outcome.status === 'fulfilled') expect(outcome.value.status).toBe(202);
    }
    // Orders whose answer was lost with the process may exist too; they must be as sound.
    const stored = (await Promise.all(who.map(ordersOf))).flat().map((order) => order.id);
    expect(stored).toEqual(expect.arrayContaining(accepted));
    expect(stored.length).toBeLessThanOrEqual(45);

    await expectConverged(stored, stocked);
  }, 900_000);
});
