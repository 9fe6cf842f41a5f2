import { eventually, uniqueName } from '@orderflow/testing';
import {
  call,
  getOrder,
  getProduct,
  orderReaches,
  placeOrder,
  putProduct,
  killService,
  startServiceAgain,
  caughtUp,
  lagOf,
  rewind,
  suiteStartedAt,
  withKafkaAdmin,
  listNotifications,
  notificationsSent,
  type NotificationKind,
  getPoints,
  SERVICES,
  type ServiceName,
} from '@orderflow/stack';
import { withOwnServices } from './support/own-services';
import { countByType, getTimeline, timelineIncludes } from './support/timeline';

interface Scenario {
  orderIds: string[];
  customers: string[];
  skus: string[];
}

/**
 * Waits until an order has gone through everything its story calls for: the events of
 * each service in its timeline and every notification SENT and announced.
 */
async function processed(orderId: string, events: string[], kinds: NotificationKind[]): Promise<void> {
  await notificationsSent({ orderId }, kinds);
  await eventually(
    async () => {
      const counts = countByType(await getTimeline(orderId));
      const missing = events.filter((type) => !counts[type]);
      const announced = counts['NotificationSent'] ?? 0;
      if (missing.length > 0 || announced < kinds.length) {
        throw new Error(`timeline of ${orderId} lacks ${missing.join(', ')} and has ${announced} of ${kinds.length} NotificationSent`);
      }
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** Confirmed, rejected and cancelled orders of a few customers, every one fully processed. */
async function processedOrders(): Promise<Scenario> {
  const [mug, tea] = [uniqueName('RPL'), uniqueName('RPL')];
  await putProduct(mug, { price: 1250, stock: 10 });
  await putProduct(tea, { price: 499, stock: 3 });
  const [c1, c2, c3] = [uniqueName('c'), uniqueName('c'), uniqueName('c')];

  const confirmed = await placeOrder(c1, [{ sku: mug, quantity: 2 }]);
  const rejected = await placeOrder(c1, [{ sku: tea, quantity: 5 }]);
  const twoLines = await placeOrder(c2, [
    { sku: mug, quantity: 1 },
    { sku: tea, quantity: 2 },
  ]);
  const toCancel = await placeOrder(c3, [{ sku: mug, quantity: 3 }]);
  const cancelledAtOnce = await placeOrder(c3, [{ sku: tea, quantity: 1 }]);
  expect((await call('order-api', 'POST', `/orders/${cancelledAtOnce.id}/cancel`)).status).toBe(200);
  expect((await orderReaches(toCancel.id)).status).toBe('CONFIRMED');
  expect((await call('order-api', 'POST', `/orders/${toCancel.id}/cancel`)).status).toBe(200);
  expect((await orderReaches(confirmed.id)).status).toBe('CONFIRMED');
  expect((await orderReaches(twoLines.id)).status).toBe('CONFIRMED');
  expect((await orderReaches(rejected.id)).status).toBe('REJECTED');

  const confirmation = ['OrderCreated', 'InventoryReserved', 'OrderConfirmed', 'PointsAwarded'];
  const release = ['OrderCancelled', 'InventoryReleased'];
  await processed(confirmed.id, confirmation, ['ORDER_CONFIRMED', 'POINTS_AWARDED']);
  await processed(twoLines.id, confirmation, ['ORDER_CONFIRMED', 'POINTS_AWARDED']);
  await processed(rejected.id, ['OrderCreated', 'InventoryRejected', 'OrderRejected'], ['ORDER_REJECTED']);
  await processed(
    toCancel.id,
    [...confirmation, ...release, 'PointsReversed'],
    ['ORDER_CONFIRMED', 'POINTS_AWARDED', 'ORDER_CANCELLED', 'POINTS_REVERSED'],
  );
  const early = await getOrder(cancelledAtOnce.id);
  const wasConfirmed = early.history.some((h: { status: string }) => h.status === 'CONFIRMED');
  await processed(
    cancelledAtOnce.id,
    wasConfirmed ? [...confirmation, ...release, 'PointsReversed'] : ['OrderCreated', 'InventoryReserved', ...release],
    wasConfirmed ? ['ORDER_CONFIRMED', 'POINTS_AWARDED', 'ORDER_CANCELLED', 'POINTS_REVERSED'] : ['ORDER_CANCELLED'],
  );
  return {
    orderIds: [confirmed.id, rejected.id, twoLines.id, toCancel.id, cancelledAtOnce.id],
    customers: [c1, c2, c3],
    skus: [mug, tea],
  };
}

/** Everything a user can see of the scenario, in every service. */
async function snapshot({ orderIds, customers, skus }: Scenario) {
  return {
    orders: await Promise.all(orderIds.map((id) => getOrder(id))),
    timelines: await Promise.all(
      orderIds.map(async (id) => (await getTimeline(id)).map((e) => `${e.at} ${e.type} ${e.source} ${e.eventId}`)),
    ),
    products: await Promise.all(skus.map((sku) => getProduct(sku))),
    points: await Promise.all(customers.map((customerId) => getPoints(customerId))),
    notifications: await Promise.all(orderIds.map((orderId) => listNotifications({ orderId }))),
  };
}

/**
 * Waits until the whole pipeline has handled everything there is: a fresh order has gone
 * through every service, and every consumer group has read its topics to the end. Anything
 * a replay caused would be visible by then.
 */
async function settled(): Promise<void> {
  const who = uniqueName('sentinel');
  const sku = uniqueName('SENTINEL');
  await putProduct(sku, { price: 1000, stock: 1 });
  const order = await orderReaches((await placeOrder(who, [{ sku, quantity: 1 }])).id, ['CONFIRMED'], 120_000);
  await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED', 'POINTS_AWARDED'], 120_000);
  await timelineIncludes(order.id, ['PointsAwarded'], 60_000);
  for (const { name } of SERVICES) await caughtUp(name, 120_000);
}

/**
 * Stops `service` gracefully, rewinds its consumer groups to the start, and runs it again
 * until it has read everything once more. "The start" is the first event of this run: on a
 * fresh Kafka that is the earliest offset; on one kept between runs, the events before
 * belong to databases this run does not have, and would only bury the check in unrelated work.
 */
async function replayFromStart(service: ServiceName): Promise<void> {
  await killService(service, 'SIGTERM');
  try {
    await rewind(service, suiteStartedAt());
    // The rewind took: the service is now behind on its topics.
    expect(await withKafkaAdmin((admin) => lagOf(admin, service))).not.toEqual([]);
  } finally {
    await startServiceAgain(service);
  }
  await caughtUp(service, 300_000);
  await settled();
}

const localOnly = withOwnServices('it stops each service and rewinds its consumer groups to the first event of the run');

localOnly('replaying every event from the start (duplicate delivery)', () => {
  let scenario: Scenario;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    scenario = await processedOrders();
    await settled();
    before = await snapshot(scenario);
  }, 300_000);

  it.each<ServiceName>(['points-service', 'inventory-service', 'notification-service', 'order-api'])(
    'to %s changes nothing: same orders, timelines, stock, points and notifications',
    async (service) => {
      await replayFromStart(service);
      expect(await snapshot(scenario)).toEqual(before);
    },
    600_000,
  );
});
