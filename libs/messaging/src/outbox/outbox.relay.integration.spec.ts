import { randomUUID } from 'node:crypto';
import { eventually, freePort, infraEnv, uniqueName } from '@orderflow/testing';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { Connection, Model, Schema } from 'mongoose';
import { EventProducer } from '../event.producer';
import { KafkaFixture, type ReadMessage } from '../testing/kafka.fixture';
import { outboxOrderEvent as orderEvent } from '../testing/order-events.fixture';
import { claimPublished, outboxPlugin, OutboxStore, pullPublished, type OutboxMessage } from '@orderflow/persistence';
import { OutboxRelay } from './outbox.relay';

interface OrderDoc {
  _id: string;
  status: string;
  outbox: OutboxMessage[];
}

/** Long enough that only a start-up sweep, an announced write or `stop()` can publish within a test. */
const SWEEP_MS = 60_000;

/**
 * The transactional outbox against real MongoDB and Kafka: whatever a writer stored in an
 * aggregate's `outbox` reaches Kafka byte for byte, in write order, at least once with
 * stable event ids — whether the write announced its events to the relay, its process crashed
 * before the relay published them, or the relay died halfway.
 */
describe('OutboxRelay (integration)', () => {
  const env = infraEnv();
  const kafka = new KafkaFixture(env.KAFKA_BROKERS.split(','));
  const topic = uniqueName('it.outbox');
  let connection: Connection;
  let orders: Model<OrderDoc>;
  let store: OutboxStore;
  let producer: EventProducer;
  let published: ReadMessage[];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    await kafka.start();
    await kafka.createTopic(topic, 3);
    published = await kafka.read(topic, uniqueName('it.outbox.reader'));
    connection = await mongoose.createConnection(env.MONGODB_URI, { dbName: uniqueName('it-outbox') }).asPromise();
    orders = connection.model<OrderDoc>('Order', new Schema<OrderDoc>({ _id: String, status: String }).plugin(outboxPlugin), 'orders');
    store = new OutboxStore(connection);
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
  function startRelay(over: OutboxStore = store, via: EventProducer = producer): OutboxRelay {
    const relay = new OutboxRelay(via, over, { sweepIntervalMs: SWEEP_MS, batchSize: 100 });
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
    // Written while no relay listens: the writer's process died right after its write.
    await orders.create({ _id: first, status: 'CANCELLED', outbox: firstEvents });
    await orders.create({ _id: second, status: 'CONFIRMED', outbox: secondEvents });

    startRelay();

    await eventually(() => {
      expect(publishedFor(first)).toHaveLength(3);
      expect(publishedFor(second)).toHaveLength(2);
    });
    for (const [orderId, written] of [
      [first, firstEvents],
      [second, secondEvents],
    ] as const) {
      const out = publishedFor(orderId);
      expect(out.map(asWritten)).toEqual(written.map(asStored));
      expect(new Set(out.map((m) => m.partition)).size).toBe(1);
    }
    await eventually(async () => {
      expect(await pendingOf(first)).toEqual([]);
      expect(await pendingOf(second)).toEqual([]);
    });
  });

  it('publishes what a start-up sweep finds once, page after page, even when published events wait for their removal', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const events = ids.map((id) => orderEvent(topic, id, 0));
    // Written while no relay listens.
    await orders.insertMany(ids.map((id, i) => ({ _id: id, status: 'PENDING', outbox: [events[i]] })));
    const relay = new OutboxRelay(producer, store, { sweepIntervalMs: SWEEP_MS, batchSize: 2, holdPublishedMs: 60_000 });
    relays.push(relay);
    relay.start();

    await eventually(async () => {
      for (const id of ids) expect(await pendingOf(id)).toEqual([]);
    });
    await eventually(() => expect(ids.map((id) => idsOf(publishedFor(id)))).toEqual(events.map((e) => [e.eventId])));
  });

  it('publishes events one order got in ten separate updates in the order they were written', async () => {
    const orderId = randomUUID();
    const events = Array.from({ length: 10 }, (_, i) => orderEvent(topic, orderId, i));
    startRelay();

    // Each update reaches the relay while it may still be publishing the previous ones.
    await orders.create({ _id: orderId, status: 'PENDING', outbox: [events[0]] });
    for (const event of events.slice(1)) await orders.updateOne({ _id: orderId }, { $push: { outbox: event } });

    await eventually(() => expect(new Set(idsOf(publishedFor(orderId))).size).toBe(10));
    // At-least-once allows a repeat; what consumers rely on is that the first sighting of
    // each event comes in write order, all on one partition.
    expect(firstSightings(idsOf(publishedFor(orderId)))).toEqual(events.map((e) => e.eventId));
    expect(new Set(publishedFor(orderId).map((m) => m.partition)).size).toBe(1);
    await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
  });

  it("keeps write order across two replicas: the later writer's relay publishes the whole outbox, and the earlier one's late publish is a repeat", async () => {
    const orderId = randomUUID();
    const [first, second] = [orderEvent(topic, orderId, 0), orderEvent(topic, orderId, 1)];
    // Replica A stores the first event, and its relay is held up before it can publish.
    const held = new HeldProducer(kafka.kafka);
    const replicaA = startRelay(store, held);
    await orders.create({ _id: orderId, status: 'CONFIRMED', outbox: [first] });
    await eventually(() => expect(held.waiting).toBe(1));
    // Replica B, with its own connection, stores the second event and reads the outbox back:
    // its relay publishes both, oldest first.
    const other = await mongoose.createConnection(env.MONGODB_URI, { dbName: connection.name }).asPromise();
    try {
      const replicaB = startRelay(new OutboxStore(other));
      const ordersB = other.model<OrderDoc>('Order', orders.schema, 'orders');
      await ordersB
        .findOneAndUpdate({ _id: orderId }, { $push: { outbox: second } }, { projection: { outbox: 1 }, returnDocument: 'after' })
        .lean();
      await eventually(() => expect(new Set(idsOf(publishedFor(orderId))).size).toBe(2));
      // A's relay goes on: its publish of the first event is a repeat, after both.
      held.release();
      await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
      await eventually(() => expect(idsOf(publishedFor(orderId))).toHaveLength(3));
      expect(firstSightings(idsOf(publishedFor(orderId)))).toEqual([first.eventId, second.eventId]);
      await replicaB.stop();
    } finally {
      await replicaA.stop();
      await held.disconnect();
      await other.close();
    }
  });

  it('publishes the same events again, with the same ids, when a relay died between publishing and removing them', async () => {
    const orderId = randomUUID();
    const events = lifecycle(topic, orderId).slice(0, 2);
    await orders.create({ _id: orderId, status: 'CONFIRMED', outbox: events });

    // The dying process has a connection of its own: what it remembers dies with it.
    const its = await mongoose.createConnection(env.MONGODB_URI, { dbName: connection.name }).asPromise();
    try {
      its.model<OrderDoc>('Order', orders.schema, 'orders');
      const dying = new OutboxRelay(producer, diesBeforeRemoving(new OutboxStore(its)), { sweepIntervalMs: SWEEP_MS, batchSize: 100 });
      await expect(dying.drain()).rejects.toThrow('died before removing');
    } finally {
      await its.close();
    }
    await eventually(() => expect(idsOf(publishedFor(orderId))).toEqual(events.map((e) => e.eventId)));
    expect((await pendingOf(orderId)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));

    startRelay();

    const ids = events.map((e) => e.eventId);
    await eventually(() => expect(idsOf(publishedFor(orderId))).toEqual([...ids, ...ids]));
    const [firstCopy, secondCopy] = [publishedFor(orderId).slice(0, 2), publishedFor(orderId).slice(2)];
    expect(secondCopy.map(asWritten)).toEqual(firstCopy.map(asWritten));
    await eventually(async () => expect(await pendingOf(orderId)).toEqual([]));
  });

  it("with a hold, leaves a published event for the document's next write to remove, never publishes it twice, and removes what no write claimed", async () => {
    // What the start-up sweep publishes is removed at once, not held: the writes below come
    // once it is over, which the removal of one written before the start tells.
    const before = randomUUID();
    await orders.create({ _id: before, status: 'PENDING', outbox: [orderEvent(topic, before, 0)] });
    const relay = new OutboxRelay(producer, store, { sweepIntervalMs: SWEEP_MS, batchSize: 100, holdPublishedMs: 4_000 });
    relays.push(relay);
    relay.start();
    await eventually(async () => expect(await pendingOf(before)).toEqual([]));
    const [written, left] = [randomUUID(), randomUUID()];
    const [created, confirmed] = [orderEvent(topic, written, 0), orderEvent(topic, written, 1)];
    const alone = orderEvent(topic, left, 0);
    await orders.create({ _id: written, status: 'PENDING', outbox: [created] });
    await orders.create({ _id: left, status: 'PENDING', outbox: [alone] });
    await eventually(() => expect(store.isPublished('orders', written, created.eventId)).toBe(true));

    // The next change reads the whole outbox back and announces it: only its own event goes out.
    await orders
      .findOneAndUpdate(
        { _id: written },
        { $set: { status: 'CONFIRMED' }, $push: { outbox: confirmed } },
        { projection: { outbox: 1 }, returnDocument: 'after' },
      )
      .lean();
    await eventually(() => expect(store.isPublished('orders', written, confirmed.eventId)).toBe(true));
    // The write after it takes both over and removes them with its own change.
    const claimed = claimPublished(orders, written);
    expect(claimed).toEqual([created.eventId, confirmed.eventId]);
    await orders.updateOne({ _id: written }, { $set: { status: 'SHIPPED' }, $pull: pullPublished(claimed) });
    expect(await pendingOf(written)).toEqual([]);

    // What no write claimed, the relay removes itself once the hold is over.
    await eventually(async () => expect(await pendingOf(left)).toEqual([]), { timeoutMs: 20_000 });
    await eventually(() => expect(idsOf(publishedFor(left))).toEqual([alone.eventId]));
    expect(idsOf(publishedFor(written))).toEqual([created.eventId, confirmed.eventId]);
  });

  it("leaves what it holds to the document's next write when a periodic sweep comes, and publishes nothing twice", async () => {
    // The writes below come once the start-up sweep is over, which the removal of one written
    // before the start tells.
    const before = randomUUID();
    await orders.create({ _id: before, status: 'PENDING', outbox: [orderEvent(topic, before, 0)] });
    const relay = new OutboxRelay(producer, store, { sweepIntervalMs: 200, batchSize: 100, holdPublishedMs: 60_000 });
    relays.push(relay);
    relay.start();
    await eventually(async () => expect(await pendingOf(before)).toEqual([]));
    const [held, left] = [randomUUID(), randomUUID()];
    const heldEvent = orderEvent(topic, held, 0);
    await orders.create({ _id: held, status: 'PENDING', outbox: [heldEvent] });
    await eventually(() => expect(store.isPublished('orders', held, heldEvent.eventId)).toBe(true));

    // An entry no write announced (a crashed replica's): only a sweep publishes it, so once it
    // is out and removed, a sweep has come and gone.
    const leftEvent = orderEvent(topic, left, 0);
    await orders.create({ _id: left, status: 'PENDING' });
    await orders.updateMany({ _id: left }, { $push: { outbox: leftEvent } });
    await eventually(async () => expect(await pendingOf(left)).toEqual([]), { timeoutMs: 10_000 });
    // Give a few more sweeps their turn.
    await new Promise((resolve) => setTimeout(resolve, 600));

    // The held entry is still there, for the next write to take, and went out once.
    expect((await pendingOf(held)).map((entry) => entry.eventId)).toEqual([heldEvent.eventId]);
    expect(claimPublished(orders, held)).toEqual([heldEvent.eventId]);
    expect(idsOf(publishedFor(held))).toEqual([heldEvent.eventId]);
    expect(idsOf(publishedFor(left))).toEqual([leftEvent.eventId]);
  });

  it('publishes an announced write at once, long before the next sweep, and leaves unannounced ones to the sweep', async () => {
    // Once the start-up sweep has published this, the next sweep is a minute away.
    const before = randomUUID();
    await orders.create({ _id: before, status: 'PENDING', outbox: [orderEvent(topic, before, 0)] });
    startRelay();
    await eventually(async () => {
      expect(publishedFor(before)).toHaveLength(1);
      expect(await pendingOf(before)).toEqual([]);
    });

    const announced = randomUUID();
    const unannounced = randomUUID();
    // `updateMany` is not announced (see the outbox plugin): only a sweep finds it.
    await orders.create({ _id: unannounced, status: 'PENDING' });
    await orders.updateMany({ _id: unannounced }, { $push: { outbox: orderEvent(topic, unannounced, 0) } });
    const announcedEvent = orderEvent(topic, announced, 0);
    const writtenAt = Date.now();
    await orders.create({ _id: announced, status: 'PENDING', outbox: [announcedEvent] });

    await eventually(() => expect(publishedFor(announced)).toHaveLength(1), { timeoutMs: 5_000, intervalMs: 20 });
    expect(Date.now() - writtenAt).toBeLessThan(5_000);
    expect(publishedFor(unannounced)).toHaveLength(0);
    expect(await pendingOf(unannounced)).toHaveLength(1);
    // Published from what the write announced, and cleared from the document.
    expect(publishedFor(announced).map(asWritten)).toEqual([asStored(announcedEvent)]);
    await eventually(async () => expect(await pendingOf(announced)).toEqual([]));

    // A relay that starts (another replica, or this one restarted) sweeps it up.
    startRelay();
    await eventually(() => expect(publishedFor(unannounced)).toHaveLength(1), { timeoutMs: 5_000 });
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
    const cutOff = startRelay(store, attempts);

    await orders.create({ _id: orderId, status: 'PENDING', outbox: events });

    // The written order stays due: the relay keeps trying, and removes nothing meanwhile.
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

/** The real producer, holding every publish until released: a relay that is slow to publish. */
class HeldProducer extends EventProducer {
  waiting = 0;
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  override async sendBatch(...args: Parameters<EventProducer['sendBatch']>): Promise<void> {
    this.waiting += 1;
    await this.gate;
    await super.sendBatch(...args);
  }
}

/**
 * The outbox as seen by a process that dies right after publishing: reads work, but its
 * removal of what it published never happens.
 */
function diesBeforeRemoving(store: OutboxStore): OutboxStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'remove') {
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
