import { ConsumerGroups, encodeEvent, OrderConfirmedSchema, PointsAwardedSchema, Topics } from '@orderflow/contracts';
import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { dlqJson } from './support/dlq';
import { listNotifications, getPoints } from '@orderflow/stack';
import { withOwnServices } from './support/own-services';

interface Listed {
  orderId: string;
  code: string;
  reason: string;
  consumerGroup: string;
}

/** The groups that read the orders topic: each parks its own copy of what it refuses. */
const ORDERS_READERS = Object.values(ConsumerGroups)
  .filter((group) => (group.topics as readonly string[]).includes('orders'))
  .map((group) => group.groupId)
  .sort();

/**
 * Events written straight onto the orders topic by a client that is not order-api, as the
 * outside review did. The consumers refuse what no producer of ours would send; an event that
 * names order-api itself as its source is for the broker's ACLs to stop (who may write the
 * topic at all), which this suite's broker does not enforce.
 */
withOwnServices('it writes forged events straight onto the orders topic of the local Kafka')('forged events', () => {
  async function produceOntoOrders(...messages: { key: string; value: Buffer; headers: Record<string, string> }[]) {
    const kafka = new Kafka({ clientId: 'forger', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: Topics.orders.name, messages });
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * Waits until each of `groups` has parked the order's event, and returns them. A group with
   * no handler for an event its topic carries passes it over unread: it acts on nothing.
   */
  const parkedBy = (orderId: string, groups: string[]) =>
    eventually(
      async () => {
        const listed = await dlqJson<Listed[]>('list', '--topic', 'orders', '--order', orderId);
        expect(listed.map((letter) => letter.consumerGroup).sort()).toEqual(groups);
        return listed;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );

  it('an OrderConfirmed from another service than order-api awards no points and tells nobody; it is dead-lettered with the reason', async () => {
    const orderId = randomUUID();
    const customerId = uniqueName('forger');
    await produceOntoOrders(
      encodeEvent(
        OrderConfirmedSchema,
        { orderId, customerId, lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100_000_000n }], total: 100_000_000n, currency: 'USD' },
        { producer: 'points-service' },
      ),
    );
    // The groups that act on an OrderConfirmed (inventory-service has no handler for it).
    const parked = await parkedBy(orderId, ['orderflow.notification-service', 'orderflow.points-service']);
    for (const letter of parked) {
      expect(letter).toMatchObject({
        code: 'UNTRUSTED_SOURCE',
        reason: 'ce_source "points-service" is not the producer of orderflow.orders.events.v1 (order-api)',
      });
    }
    expect(await getPoints(customerId)).toEqual({ customerId, balance: 0, entries: [] });
    expect(await listNotifications({ customerId })).toEqual([]);
  });

  it('a PointsAwarded on the orders topic, where no points event travels, tells nobody; it is dead-lettered with the reason', async () => {
    const orderId = randomUUID();
    const customerId = uniqueName('forger');
    await produceOntoOrders(
      encodeEvent(
        PointsAwardedSchema,
        { orderId, customerId, points: 1_000_000n, orderTotal: 100_000_000n, currency: 'USD' },
        { producer: 'points-service' },
      ),
    );
    const parked = await parkedBy(orderId, ORDERS_READERS);
    for (const letter of parked) {
      expect(letter.code).toBe('EVENT_NOT_ON_TOPIC');
      expect(letter.reason).toContain('"orderflow.points.v1.PointsAwarded" does not travel on orderflow.orders.events.v1');
    }
    expect(await listNotifications({ customerId })).toEqual([]);
  });
});
