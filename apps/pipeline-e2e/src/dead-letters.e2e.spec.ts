import { ConsumerGroups, Topics } from '@orderflow/contracts';
import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  getOrder,
  orderReaches,
  placeOrder,
  putProduct,
  call,
  currentInstance,
  killService,
  startServiceAgain,
  countByKind,
  listNotifications,
  notificationsSent,
  getPoints,
} from '@orderflow/stack';
import { dlq, dlqJson } from './support/dlq';
import { withOwnServices } from './support/own-services';
import { countByType, getTimeline } from './support/timeline';

const localOnly = withOwnServices("it stops inventory-service, deletes an order from order-api's database, and purges dead-letter topics");

interface Listed {
  id: string;
  orderId: string;
  eventType: string;
  code: string;
  source: { topic: string };
  consumerGroup: string;
  replays: unknown[];
}

/** The suite's order-api database, where the test plays a database that lost a write and the restore from a backup. */
async function withOrdersCollection<T>(work: (orders: mongo.Collection<{ _id: string }>) => Promise<T>): Promise<T> {
  const client = new mongo.MongoClient(infraEnv().MONGODB_URI);
  await client.connect();
  try {
    const database = currentInstance(process.env['E2E_RUN_ID'] as string, 'order-api').env['MONGODB_DATABASE'];
    return await work(client.db(database).collection('orders'));
  } finally {
    await client.close();
  }
}

localOnly('dead letters an operator can handle (npm run dlq)', () => {
  it('poison → dead-letter topic → fix → replay → the order completes, and a second replay changes nothing', async () => {
    const sku = uniqueName('DLQ');
    await putProduct(sku, { price: 1250, stock: 10 });
    const customerId = uniqueName('dlq');

    // The order is placed while inventory is down, then lost by order-api's database: when
    // inventory answers, order-api cannot apply the answer and parks it.
    await killService('inventory-service', 'SIGTERM');
    let order: { id: string };
    let backup;
    try {
      order = await placeOrder(customerId, [{ sku, quantity: 2 }]);
      backup = await withOrdersCollection(async (orders) => {
        const stored = await orders.findOne({ _id: order.id });
        await orders.deleteOne({ _id: order.id });
        return stored;
      });
    } finally {
      await startServiceAgain('inventory-service');
    }
    expect(backup).not.toBeNull();

    const [parked] = await eventually(
      async () => {
        const listed = await dlqJson<Listed[]>('list', '--order', order.id);
        if (listed.length === 0) throw new Error(`no dead letter for order ${order.id} yet`);
        return listed;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    expect(parked).toMatchObject({
      orderId: order.id,
      eventType: 'orderflow.inventory.v1.InventoryReserved',
      code: 'UNKNOWN_ORDER',
      source: { topic: 'orderflow.inventory.events.v1' },
      replays: [],
    });
    const shown = await dlqJson<{ payload: { decoded: { orderId: string; lines: unknown[] } } }>('show', parked.id);
    expect(shown.payload.decoded).toMatchObject({ orderId: order.id, lines: [{ sku, quantity: 2, unitPrice: '1250' }] });

    // A dry run changes nothing.
    const dry = await dlq('replay', '--order', order.id, '--dry-run');
    expect(dry).toMatchObject({ code: 0, stdout: expect.stringContaining(`would replay ${parked.id}`) });
    expect((await dlqJson<Listed[]>('list', '--order', order.id))[0].replays).toEqual([]);

    // The fix: the order is restored from the backup. Then the operator replays.
    await withOrdersCollection((orders) => orders.insertOne(backup as { _id: string }));
    expect((await getOrder(order.id)).status).toBe('PENDING');
    expect(await dlq('replay', '--order', order.id)).toMatchObject({ code: 0 });

    const confirmed = await orderReaches(order.id, ['CONFIRMED'], 60_000);
    expect(confirmed.total).toBe(2500);
    await notificationsSent({ orderId: order.id }, ['ORDER_CONFIRMED', 'POINTS_AWARDED'], 60_000);
    expect((await dlqJson<Listed[]>('list', '--order', order.id))[0].replays).toHaveLength(1);

    // The same event again (same event id): consumers see a duplicate and change nothing.
    expect(await dlq('replay', parked.id)).toMatchObject({ code: 0 });
    await eventually(
      async () => {
        if ((await dlqJson<Listed[]>('list', '--order', order.id))[0].replays.length !== 2)
          throw new Error('second replay not recorded yet');
      },
      { timeoutMs: 30_000 },
    );
    const sentinel = await placeOrder(customerId, [{ sku, quantity: 1 }]);
    await orderReaches(sentinel.id, ['CONFIRMED'], 60_000);
    await notificationsSent({ orderId: sentinel.id }, ['ORDER_CONFIRMED', 'POINTS_AWARDED'], 60_000);
    expect(countByType(await getTimeline(order.id))['InventoryReserved']).toBe(1);
    expect(countByKind(await listNotifications({ orderId: order.id }))).toEqual({ ORDER_CONFIRMED: 1, POINTS_AWARDED: 1 });
    expect((await getPoints(customerId)).balance).toBe(25 + 12);
    expect((await call('inventory-service', 'GET', `/products/${sku}`)).body).toMatchObject({ available: 7, reserved: 3 });
  }, 600_000);

  it('tells apart the copies of one poison message that each consumer group parked', async () => {
    // An undecodable message on the orders topic: every group that reads the topic parks it.
    const key = randomUUID();
    const kafka = new Kafka({ clientId: 'pipeline-e2e', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: Topics.orders.name, messages: [{ key, value: Buffer.from('not an event') }] });
    } finally {
      await producer.disconnect();
    }
    const readers = Object.values(ConsumerGroups)
      .filter((group) => (group.topics as readonly string[]).includes('orders'))
      .map((group) => group.groupId)
      .sort();
    const parked = await eventually(
      async () => {
        const listed = await dlqJson<Listed[]>('list', '--order', key);
        expect(listed.map((letter) => letter.consumerGroup).sort()).toEqual(readers);
        return listed;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    expect(new Set(parked.map((letter) => letter.id)).size).toBe(readers.length);

    // The table an operator reads names the group of each copy.
    const table = await dlq('list', '--order', key);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n').slice(0, -1);
    expect(header).toMatch(/\bGROUP\b/);
    for (const groupId of readers) expect(rows.filter((row) => row.includes(` ${groupId} `))).toHaveLength(1);

    // And one group's copy can be picked out, by service name or group id.
    const inventory = await dlqJson<Listed[]>('list', '--order', key, '--group', 'inventory-service');
    expect(inventory.map((letter) => letter.consumerGroup)).toEqual(['orderflow.inventory-service']);
    expect(await dlqJson<Listed[]>('list', '--order', key, '--group', 'orderflow.points-service')).toHaveLength(1);
    expect(await dlq('list', '--group', 'payments-service')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown consumer group "payments-service"'),
    });
  }, 180_000);

  it('answers bad input with a clear message and the documented exit codes', async () => {
    expect(await dlq('show', 'inventory-3-17')).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a dead-letter id') });
    expect(await dlq('list', '--topic', 'payments')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown topic "payments"'),
    });
    expect(await dlq('show', 'points:5:999999999')).toMatchObject({
      code: 3,
      stderr: expect.stringContaining('no dead letter points:5:999999999'),
    });
    expect(await dlq('replay', '--order', '00000000-0000-4000-8000-000000000000')).toMatchObject({ code: 3 });
  }, 120_000);

  it('purges a topic only once confirmed', async () => {
    const listed = await dlqJson<Listed[]>('list', '--topic', 'inventory');
    expect(await dlq('purge', '--topic', 'inventory', '--dry-run')).toMatchObject({ code: 0 });
    // Not a terminal and no --yes: it cannot ask, so it refuses.
    expect(await dlq('purge', '--topic', 'inventory')).toMatchObject({ code: listed.length === 0 ? 0 : 2 });
    expect(await dlqJson<Listed[]>('list', '--topic', 'inventory')).toHaveLength(listed.length);
    expect(await dlq('purge', '--topic', 'inventory', '--yes')).toMatchObject({ code: 0 });
    expect(await dlqJson<Listed[]>('list', '--topic', 'inventory')).toEqual([]);
  }, 120_000);
});
