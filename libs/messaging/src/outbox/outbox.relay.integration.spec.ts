import { randomUUID } from 'node:crypto';
import { eventually, freePort, infraEnv, uniqueName } from '@orderflow/testing';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { Connection, Model, Schema } from 'mongoose';
import { EventProducer } from '../event.producer';
import { KafkaFixture, type ReadMessage } from '../testing/kafka.fixture';
import { outboxOrderEvent as orderEvent } from '../testing/order-events.fixture';
import { OutboxMessageSchema, type OutboxMessage } from './outbox.message';
import { OutboxRelay } from './outbox.relay';

type OutboxCollection = ConstructorParameters<typeof OutboxRelay>[1][number];

interface OrderDoc {
  _id: string;
  status: string;
  outbox: OutboxMessage[];
}

/** Long enough that only a start-up sweep, `kick()` or `stop()` can publish within a test. */
const SWEEP_MS = 60_000;

/**
 * The transactional outbox against real MongoDB and Kafka: whatever a writer stored in an
 * aggregate's `outbox` reaches Kafka byte for byte, in write order, at least once with
 * stable event ids — whether the writer kicked the relay, crashed before it could, or the
 * relay died halfway.
 */
describe('OutboxRelay (integration)', () => {
  const env = infraEnv();
  const kafka = new KafkaFixture(env.KAFKA_BROKERS.split(','));
  const topic = uniqueName('it.outbox');
  let connection: Connection;
  let orders: Model<OrderDoc>;
  let collection: OutboxCollection;
  let producer: EventProducer;
  let published: ReadMessage[];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    await kafka.start();
    await kafka.createTopic(topic, 3);
    published = await kafka.read(topic, uniqueName('it.outbox.reader'));
    connection = await mongoose.createConnection(env.MONGODB_URI, { dbName: uniqueName('it-outbox') }).asPromise();
    orders = connection.model<OrderDoc>(
      'Order',
      new Schema<OrderDoc>({ _id: String, status: String, outbox: { type: [OutboxMessageSchema], default: [] } }),
      'orders',
    );
    collection = connection.collection('orders') as unknown as OutboxCollection;
    producer = new EventProducer(kafka.kafka);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka.stop();
    await connection?.dropDatabase();
    await connection?.close();
  });

  /** A relay over the test collection, as a freshly (re)started service would run it. */
  function startRelay(over: OutboxCollection = collection, via: EventProducer = producer): OutboxRelay {
    const relay = new OutboxRelay(via, [over], { sweepIntervalMs: SWEEP_MS, batchSize: 100 });
    relays.push(relay);
    relay.start();
    return relay;
  }

  /** What reached Kafka for one order, in log order. */
  const publishedFor = (orderId: string) =>
    published.filter((m) => m.key === orderId).sort((a, b) => a.partition - b.partition || a.offset - b.offset);

  const idsOf = (messages: ReadMessage[]) => messages.map((m) => m.headers['ce_id']);

  const pendingOf = async (orderId: string) => (await orders.findById(orderId).lean())?.outbox ?? [];

  it('publishes what a writer stored but never announced, once a relay starts, exactly as written, then empties the outbox', async () => {
    const first = randomUUID();
    const second = randomUUID();
    const firstEvents = lifecycle(topic, first);
    const secondEvents = lifecycle(topic, second).slice(0, 2);
    // The writer dies right after its write: no kick ever comes.
    await orders.create({ _id: first, status: 'CANCELLED', outbox: firstEvents });
    await orders.create({ _id: second, status: 'CONFIRMED', outbox: secondEvents });

    startRelay();

    await eventually(() => {
      expect(publishedFor(first)).toHaveLength(3);
      expect(publishedFor(second)).toHaveLength(2);
    });
    for (const [orderId, written] of [[first, firstEvents], [second, secondEvents]] as const) {
      const out = publishedFor(orderId);
      expect(out.map(asWritten)).toEqual(written.map(asStored));
      expect(new Set(out.map((m) => m.partition)).size).toBe(1);
    }
    await eventually(async () => {
      expect(await pendingOf(first)).toEqual([]);
      expect(await pendingOf(second)).toEqual([]);
    });
  });

  it('publishes events one order got in ten separate updates in the order they were written', async () => {
    const orderId = randomUUID();
    const events = Array.from({ length: 10 }, (_, i) => orderEvent(topic, orderId, i));
    const relay = startRelay();

    // Each update kicks the relay while it may still be publishing the previous ones.
    await orders.create({ _id: orderId, status: 'PENDING', outbox: [events[0]] });
    relay.kick('orders', orderId, [events[0]]);
    for (const event of events.slice(1)) {
      await orders.updateOne({ _id: orderId }, { $push: { outbox: event } });
      relay.kick('orders', orderId, [event]);
    }

    await eventually(() => expect(new Set(idsOf(publishedFor(orderId))).size).toBe(10));
    // At-least-once allows a repeat; what consumers rely on is that the first sighting of
    // each event comes in write order, all on one partition.
    expect(firstSightings(idsOf(publishedFor(orderId)))).toEqual(events.map((e) => e.eventId));
    expect(new Set(publishedFor(orderId).map((m) => m.partition)).size).toBe(1);
    await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
  });

  it('keeps write order across two replicas: the later writer hands over the whole outbox, and the earlier one\'s late publish is a repeat', async () => {
    const orderId = randomUUID();
    const [first, second] = [orderEvent(topic, orderId, 0), orderEvent(topic, orderId, 1)];
    // Replica A stored the first event and has not published it yet; replica B stores the
    // second and, reading the outbox back, kicks both, oldest first.
    await orders.create({ _id: orderId, status: 'CONFIRMED', outbox: [first] });
    const stored = await orders.findOneAndUpdate({ _id: orderId }, { $push: { outbox: second } }, { returnDocument: 'after' }).lean();
    const replicaB = startRelay();
    replicaB.kick('orders', orderId, stored?.outbox ?? []);
    await eventually(() => expect(new Set(idsOf(publishedFor(orderId))).size).toBe(2));
    const replicaA = startRelay();
    replicaA.kick('orders', orderId, [first]);

    await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
    expect(firstSightings(idsOf(publishedFor(orderId)))).toEqual([first.eventId, second.eventId]);
  });

  it('publishes the same events again, with the same ids, when a relay died between publishing and removing them', async () => {
    const orderId = randomUUID();
    const events = lifecycle(topic, orderId).slice(0, 2);
    await orders.create({ _id: orderId, status: 'CONFIRMED', outbox: events });

    const dying = new OutboxRelay(producer, [diesBeforeRemoving(collection)], { sweepIntervalMs: SWEEP_MS, batchSize: 100 });
    await expect(dying.drain()).rejects.toThrow('died before removing');
    await eventually(() => expect(idsOf(publishedFor(orderId))).toEqual(events.map((e) => e.eventId)));
    expect((await pendingOf(orderId)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));

    startRelay();

    const ids = events.map((e) => e.eventId);
    await eventually(() => expect(idsOf(publishedFor(orderId))).toEqual([...ids, ...ids]));
    const [firstCopy, secondCopy] = [publishedFor(orderId).slice(0, 2), publishedFor(orderId).slice(2)];
    expect(secondCopy.map(asWritten)).toEqual(firstCopy.map(asWritten));
    await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
  });

  it('publishes a kicked order at once, long before the next sweep, and leaves unkicked ones to the sweep', async () => {
    // Once the start-up sweep has published this, the next sweep is a minute away.
    const before = randomUUID();
    await orders.create({ _id: before, status: 'PENDING', outbox: [orderEvent(topic, before, 0)] });
    const relay = startRelay();
    await eventually(async () => {
      expect(publishedFor(before)).toHaveLength(1);
      expect(await pendingOf(before)).toEqual([]);
    });

    const kicked = randomUUID();
    const unkicked = randomUUID();
    await orders.create({ _id: unkicked, status: 'PENDING', outbox: [orderEvent(topic, unkicked, 0)] });
    const kickedEvent = orderEvent(topic, kicked, 0);
    await orders.create({ _id: kicked, status: 'PENDING', outbox: [kickedEvent] });
    const kickedAt = Date.now();
    relay.kick('orders', kicked, [kickedEvent]);

    await eventually(() => expect(publishedFor(kicked)).toHaveLength(1), { timeoutMs: 5_000, intervalMs: 20 });
    expect(Date.now() - kickedAt).toBeLessThan(5_000);
    expect(publishedFor(unkicked)).toHaveLength(0);
    expect(await pendingOf(unkicked)).toHaveLength(1);
    // Published from what the writer handed over, and cleared from the document.
    expect(publishedFor(kicked).map(asWritten)).toEqual([asStored(kickedEvent)]);
    await eventually(async () => expect(await pendingOf(kicked)).toEqual([]));

    // A kick without a document asks for a sweep now.
    relay.kick();
    await eventually(() => expect(publishedFor(unkicked)).toHaveLength(1), { timeoutMs: 5_000 });
  });

  it('keeps the outbox intact while Kafka is unreachable, and a working relay publishes it later', async () => {
    const orderId = randomUUID();
    const events = lifecycle(topic, orderId).slice(0, 1);
    const unreachable = new Kafka({
      clientId: 'it-outbox-unreachable',
      brokers: [`127.0.0.1:${await freePort()}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 500,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
    });
    const attempts = new CountingProducer(unreachable);
    const cutOff = startRelay(collection, attempts);

    await orders.create({ _id: orderId, status: 'PENDING', outbox: events });
    cutOff.kick('orders', orderId, events);

    // The kicked order stays due: the relay keeps trying, and removes nothing meanwhile.
    await eventually(() => expect(attempts.failures).toBeGreaterThanOrEqual(3), { timeoutMs: 20_000 });
    expect((await pendingOf(orderId)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    await relays.splice(relays.indexOf(cutOff), 1)[0].stop();
    await attempts.disconnect().catch(() => undefined);
    expect(publishedFor(orderId)).toHaveLength(0);
    expect(await pendingOf(orderId)).toHaveLength(1);

    startRelay();
    await eventually(() => expect(idsOf(publishedFor(orderId))).toEqual(events.map((e) => e.eventId)));
    await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
  });
});

/** The real producer, counting the publishes that failed. */
class CountingProducer extends EventProducer {
  failures = 0;

  override async sendBatch(...args: Parameters<EventProducer['sendBatch']>): Promise<void> {
    try {
      await super.sendBatch(...args);
    } catch (error) {
      this.failures += 1;
      throw error;
    }
  }
}

/**
 * The collection as seen by a process that dies right after publishing: reads work, but
 * its removal of what it published never happens.
 */
function diesBeforeRemoving(collection: OutboxCollection): OutboxCollection {
  return new Proxy(collection, {
    get(target, property) {
      if (property === 'updateOne' || property === 'bulkWrite') {
        return async () => {
          throw new Error('the relay died before removing what it published');
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** OrderCreated, OrderConfirmed, OrderCancelled of one order, in that order, on `topic`. */
const lifecycle = (topic: string, orderId: string) => [0, 1, 2].map((step) => orderEvent(topic, orderId, step));

/** What a consumer gets, in the shape the writer stored it. */
const asWritten = (m: ReadMessage) => ({
  eventId: m.headers['ce_id'],
  key: m.key,
  value: m.value?.toString('base64'),
  headers: m.headers,
});

const asStored = (e: OutboxMessage) => ({
  eventId: e.eventId,
  key: e.key,
  value: e.value.toString('base64'),
  headers: e.headers,
});

const firstSightings = (ids: string[]) => [...new Set(ids)];
