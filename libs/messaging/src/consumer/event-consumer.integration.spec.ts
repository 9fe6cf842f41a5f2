import { randomUUID } from 'node:crypto';
import type { DecodedEvent } from '@orderflow/contracts';
import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { KafkaJSError, type Kafka, type Message } from 'kafkajs';
import mongoose, { Connection } from 'mongoose';
import { Registry } from 'prom-client';
import { EventProducer } from '../event.producer';
import { KafkaFixture, type ReadMessage } from '../testing/kafka.fixture';
import { encodedOrderEvent, OrderEventType } from '../testing/order-events.fixture';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetterHeader } from './dead-letter';
import { EventConsumerServer, type EventContext } from './event-consumer.server';
import { PermanentEventError } from './permanent.error';

type Handler = (event: DecodedEvent, context: EventContext) => Promise<void>;

interface Running {
  server: EventConsumerServer;
  groupId: string;
  registry: Registry;
}

const DUPLICATE_KEY = 11000;

/**
 * EventConsumerServer against a real broker: offsets are committed only after a handler
 * finished, transient failures are retried in place and never skipped, messages that can
 * never succeed are parked on `<topic>.dlt` with the reason while the partition moves on,
 * and one topic stuck retrying does not hold up another.
 */
describe('EventConsumerServer (integration)', () => {
  const env = infraEnv();
  const kafka = new KafkaFixture(env.KAFKA_BROKERS.split(','));
  let connection: Connection;
  let producer: EventProducer;
  const running: Running[] = [];

  beforeAll(async () => {
    await kafka.start();
    connection = await mongoose.createConnection(env.MONGODB_URI, { dbName: uniqueName('it-consumer') }).asPromise();
    producer = new EventProducer(kafka.kafka);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map(({ server }) => server.close()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka.stop();
    await connection?.dropDatabase();
    await connection?.close();
  });

  /** A server as a service runs it, with small retry delays, consuming `topics` as `groupId`. */
  function startServer(
    topics: string[],
    handlers: Record<string, Handler>,
    groupId = uniqueName('it.service'),
    client: Kafka = kafka.kafka,
  ): Running {
    const registry = new Registry();
    const server = new EventConsumerServer(
      client,
      producer,
      { groupId, topics, retry: { initialMs: 20, maxMs: 100 }, partitionsConsumedConcurrently: 3, keysConsumedConcurrently: 8 },
      new ConsumerMetrics(registry),
    );
    topics.forEach((topic) => kafka.ownGroup(server.groupOf(topic)));
    for (const [pattern, handler] of Object.entries(handlers)) server.addHandler(pattern, handler, true);
    server.listen(() => undefined);
    const started = { server, groupId, registry };
    running.push(started);
    return started;
  }

  async function stopServer(started: Running): Promise<void> {
    running.splice(running.indexOf(started), 1);
    await started.server.close();
  }

  /** `handler` for each event of an order's life. */
  const everyType = (handler: Handler) => Object.fromEntries(Object.values(OrderEventType).map((type) => [type, handler]));

  const committed = (started: Running, topic: string) => kafka.committed(started.server.groupOf(topic), topic);

  /** Messages by outcome from the server's own metrics, as an operator's dashboard shows them. */
  async function outcomes(started: Running): Promise<Record<string, number>> {
    const metric = await started.registry.getSingleMetric('orderflow_messages_handled_total')?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['outcome']), v.value]));
  }

  type Sent = Message & { value: Buffer; headers: Record<string, string> };

  const asMessage = (event: { key: string; value: Buffer; headers: Record<string, string> }): Sent => ({
    key: event.key,
    value: event.value,
    headers: { ...event.headers },
  });

  describe('commits', () => {
    it('records a redelivered event once, and commits past every delivery', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.dedup'), 1, { deadLetter: true });
      const processed = connection.collection<{ _id: string; orderId: string }>(uniqueName('processed'));
      const deliveries: string[] = [];
      // The handler's own idempotency: the event id is the key of what it records.
      const record: Handler = async (event) => {
        deliveries.push(event.meta.eventId);
        try {
          await processed.insertOne({ _id: event.meta.eventId, orderId: event.meta.correlationId });
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        }
      };
      const first = encodedOrderEvent(randomUUID());
      const second = encodedOrderEvent(randomUUID());
      await kafka.produce(topic, [asMessage(first), asMessage(first), asMessage(second)]);

      const service = startServer([topic], { [OrderEventType.created]: record });

      await eventually(async () => expect(await committed(service, topic)).toEqual([3]));
      // Two orders: each one's deliveries in order, the two side by side.
      expect(deliveries.filter((id) => id === first.eventId)).toHaveLength(2);
      expect(deliveries.filter((id) => id === second.eventId)).toHaveLength(1);
      const recorded = await processed.find().sort({ _id: 1 }).toArray();
      expect(recorded.map((doc) => doc._id)).toEqual([first.eventId, second.eventId].sort());

      // A restarted service resumes after what it committed: nothing handled is read again.
      await stopServer(service);
      deliveries.length = 0;
      const third = encodedOrderEvent(randomUUID());
      await kafka.produce(topic, [asMessage(third)]);
      const restarted = startServer([topic], { [OrderEventType.created]: record }, service.groupId);
      await eventually(async () => expect(await committed(restarted, topic)).toEqual([4]));
      expect(deliveries).toEqual([third.eventId]);
      expect(await processed.countDocuments()).toBe(3);
    });

    it('commits an offset only once its handler has finished', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.commit'), 1, { deadLetter: true });
      let started = false;
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const slow: Handler = async () => {
        started = true;
        await finished;
      };
      await kafka.produce(topic, [asMessage(encodedOrderEvent(randomUUID()))]);

      const service = startServer([topic], { [OrderEventType.created]: slow });

      await eventually(() => expect(started).toBe(true));
      expect(await committed(service, topic)).toEqual([-1]);
      finish();
      await eventually(async () => expect(await committed(service, topic)).toEqual([1]));
    });

    it('goes on past a handler that settles its effect later, and commits it, and what came after, only once the effect is done', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.settle'), 1, { deadLetter: true });
      let finish!: () => void;
      const effect = new Promise<void>((resolve) => (finish = resolve));
      const order = randomUUID();
      const handled: number[] = [];
      const handler: Handler = async (event, context) => {
        handled.push(Number(context.source.offset));
        // The first event leaves its write to finish later; the order's next ones do not wait for it.
        if (event.meta.eventId === first.eventId) context.settleLater(effect);
      };
      const first = encodedOrderEvent(order, 0);
      await kafka.produce(topic, [asMessage(first)]);
      const service = startServer([topic], everyType(handler));
      await eventually(() => expect(handled).toEqual([0]));
      await kafka.produce(topic, [asMessage(encodedOrderEvent(order, 1)), asMessage(encodedOrderEvent(order, 2))]);

      try {
        await eventually(() => expect(handled).toEqual([0, 1, 2]));
        // Well past the 100 ms the commits are gathered for: nothing is committed while the effect is open.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await committed(service, topic)).toEqual([-1]);
      } finally {
        finish();
      }
      await eventually(async () => expect(await committed(service, topic)).toEqual([3]));
    });

    it('handles the batch again when an effect settled later fails, and commits once it succeeded', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.settle-fail'), 1, { deadLetter: true });
      const order = randomUUID();
      const events = [encodedOrderEvent(order, 0), encodedOrderEvent(order, 1)];
      const deliveries: string[] = [];
      let failures = 1;
      const handler: Handler = async (event, context) => {
        deliveries.push(event.meta.eventId);
        const fails = event.meta.eventId === events[0].eventId && failures-- > 0;
        context.settleLater(fails ? Promise.reject(new Error('the database did not answer')) : Promise.resolve());
      };
      await kafka.produce(topic, events.map(asMessage));

      const service = startServer([topic], everyType(handler));

      await eventually(async () => expect(await committed(service, topic)).toEqual([2]));
      // Both handled twice: the partition went back to the batch of the failed effect.
      expect(deliveries).toEqual([events[0].eventId, events[1].eventId, events[0].eventId, events[1].eventId]);
    });
  });

  describe('refused commits', () => {
    /** The real broker, except that its first `failures` offset commits get no answer. */
    function refusingFirstCommits(failures: number): Kafka {
      let left = failures;
      return Object.assign(Object.create(kafka.kafka) as Kafka, {
        consumer: (config: Parameters<Kafka['consumer']>[0]) => {
          const consumer = kafka.kafka.consumer(config);
          const commit = consumer.commitOffsets.bind(consumer);
          consumer.commitOffsets = (offsets) =>
            left-- > 0 ? Promise.reject(new KafkaJSError('the broker did not answer')) : commit(offsets);
          return consumer;
        },
      });
    }

    it('commits again what the broker refused, so an idle partition does not stay behind', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.refused'), 1, { deadLetter: true });
      const handled: string[] = [];
      const event = encodedOrderEvent(randomUUID());
      await kafka.produce(topic, [asMessage(event)]);

      // Nothing more arrives after the one message: only a retry of its commit can move the group on.
      const service = startServer(
        [topic],
        { [OrderEventType.created]: async (e) => void handled.push(e.meta.eventId) },
        undefined,
        refusingFirstCommits(1),
      );

      await eventually(async () => expect(await committed(service, topic)).toEqual([1]));
      expect(handled).toEqual([event.eventId]);
    });
  });

  describe('transient failures', () => {
    it('retries a failing message in place until it succeeds; later events of its order wait, other orders go on', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.retry'), 1, { deadLetter: true });
      const [stuckOrder, otherOrder] = [randomUUID(), randomUUID()];
      // offset 0: the failing event; 1: another order's; 2: the failing order's next event.
      const events = [encodedOrderEvent(stuckOrder, 0), encodedOrderEvent(otherOrder, 0), encodedOrderEvent(stuckOrder, 1)];
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      let databaseBack = false;
      const flaky: Handler = async (event) => {
        const id = event.meta.eventId;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        if (id === events[0].eventId && !databaseBack) throw new Error('MongoDB is unavailable');
        handled.push(id);
      };
      await kafka.produce(topic, events.map(asMessage));

      const service = startServer([topic], { [OrderEventType.created]: flaky, [OrderEventType.confirmed]: flaky });

      // While it fails, its order waits on it and nothing is committed past it.
      await eventually(() => expect(attempts.get(events[0].eventId)).toBeGreaterThanOrEqual(4));
      expect(handled).toEqual([events[1].eventId]);
      expect(attempts.get(events[2].eventId)).toBeUndefined();
      expect(await committed(service, topic)).toEqual([-1]);

      databaseBack = true;
      await eventually(async () => expect(await committed(service, topic)).toEqual([3]));
      expect(handled).toEqual([events[1].eventId, events[0].eventId, events[2].eventId]);
      // What was handled ahead of the failure is not handled again on the retries.
      expect(attempts.get(events[1].eventId)).toBe(1);
      expect(await kafka.endOffsets(`${topic}.dlt`)).toEqual([0]);
      const counts = await outcomes(service);
      expect(counts['ok']).toBe(3);
      expect(counts['retried']).toBeGreaterThanOrEqual(3);
      expect(counts['dead-lettered']).toBeUndefined();
    });

    it('handles many orders of one partition side by side, each order in sequence, and commits them all', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.lanes'), 1, { deadLetter: true });
      const orders = Array.from({ length: 20 }, () => randomUUID());
      // created, confirmed, cancelled for each order, interleaved across orders.
      const events = [0, 1, 2].flatMap((step) => orders.map((orderId) => encodedOrderEvent(orderId, step)));
      const seen = new Map<string, string[]>();
      let inFlight = 0;
      let mostInFlight = 0;
      const record: Handler = async (event) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        const orderId = event.meta.correlationId;
        seen.set(orderId, [...(seen.get(orderId) ?? []), event.meta.eventId]);
      };
      await kafka.produce(topic, events.map(asMessage));

      const service = startServer([topic], Object.fromEntries(Object.values(OrderEventType).map((type) => [type, record])));

      await eventually(async () => expect(await committed(service, topic)).toEqual([events.length]));
      for (const orderId of orders) {
        expect(seen.get(orderId)).toEqual(events.filter((e) => e.key === orderId).map((e) => e.eventId));
      }
      expect(mostInFlight).toBeGreaterThan(1);
    });
  });

  describe('shutdown', () => {
    it('leaves a message that is still failing at shutdown uncommitted, so the restarted service handles it', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.shutdown'), 1, { deadLetter: true });
      const event = encodedOrderEvent(randomUUID());
      let attempts = 0;
      await kafka.produce(topic, [asMessage(event)]);
      const failing = startServer([topic], {
        [OrderEventType.created]: async () => {
          attempts += 1;
          throw new Error('MongoDB is unavailable');
        },
      });
      await eventually(() => expect(attempts).toBeGreaterThanOrEqual(2));

      await stopServer(failing);
      expect(await committed(failing, topic)).toEqual([-1]);

      const handled: string[] = [];
      const restarted = startServer([topic], { [OrderEventType.created]: async (e) => void handled.push(e.meta.eventId) }, failing.groupId);
      await eventually(async () => expect(await committed(restarted, topic)).toEqual([1]));
      expect(handled).toEqual([event.eventId]);
      expect(await kafka.endOffsets(`${topic}.dlt`)).toEqual([0]);
    });
  });

  describe('dead letters', () => {
    it('parks undecodable messages and permanent failures on <topic>.dlt with the reason, and the partition moves on', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.poison'), 1, { deadLetter: true });
      const deadLetters = await kafka.read(`${topic}.dlt`, uniqueName('it.dlt.reader'));
      const [before, after, unprocessable, last] = [0, 1, 2, 3].map(() => encodedOrderEvent(randomUUID()));
      const garbled = asMessage(encodedOrderEvent(randomUUID()));
      garbled.value = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]); // the envelope of an OrderCreated, a body that is none
      const untyped = asMessage(encodedOrderEvent(randomUUID()));
      delete untyped.headers['ce_type'];
      const sent = [asMessage(before), garbled, untyped, asMessage(after), asMessage(unprocessable), asMessage(last)];
      const handled: string[] = [];
      const handler: Handler = async (event) => {
        if (event.meta.eventId === unprocessable.eventId) {
          throw new PermanentEventError('ORDER_UNKNOWN', `order ${event.meta.correlationId} does not exist here`);
        }
        handled.push(event.meta.eventId);
      };
      await kafka.produce(topic, sent);

      const service = startServer([topic], { [OrderEventType.created]: handler });

      await eventually(async () => expect(await committed(service, topic)).toEqual([6]));
      expect(handled).toEqual([before.eventId, after.eventId, last.eventId]);
      await eventually(() => expect(deadLetters).toHaveLength(3));
      // Different orders are handled side by side, so their dead letters may come in any order.
      deadLetters.sort((a, b) => Number(a.headers[DeadLetterHeader.offset]) - Number(b.headers[DeadLetterHeader.offset]));
      const source = { topic, group: service.server.groupOf(topic) };
      expectDeadLetter(deadLetters[0], sent[1], source, { offset: 1, code: 'UNDECODABLE_BODY', reason: 'not a valid' });
      expectDeadLetter(deadLetters[1], sent[2], source, { offset: 2, code: 'MISSING_HEADER', reason: 'ce_type' });
      expectDeadLetter(deadLetters[2], sent[4], source, { offset: 4, code: 'ORDER_UNKNOWN', reason: 'does not exist' });
      expect(await outcomes(service)).toMatchObject({ ok: 3, 'dead-lettered': 3 });
    });

    it('parks bodies built to exhaust the decoder, up to the largest the broker takes, and the partition moves on', async () => {
      const topic = await kafka.createTopic(uniqueName('it.consumer.hostile'), 1, { deadLetter: true });
      const deadLetters = await kafka.read(`${topic}.dlt`, uniqueName('it.dlt.reader'));
      const [before, nested, largest, after] = [0, 1, 2, 3].map(() => asMessage(encodedOrderEvent(randomUUID())));
      // The tag of an unknown group field (15, wire type 3), over and over: groups opened
      // inside each other, which a decoder that recursed into them would follow to its end.
      const groups = (bytes: number) => Buffer.alloc(bytes, 0x7b);
      nested.value = Buffer.concat([nested.value, groups(800_000)]);
      largest.value = groups(await largestValueTaken(topic, largest));
      const handled: string[] = [];
      // One at a time: the broker's limit is per batch of records.
      for (const message of [before, nested, largest, after]) await kafka.produce(topic, [message]);

      const service = startServer([topic], { [OrderEventType.created]: async (event) => void handled.push(event.meta.eventId) });

      await eventually(async () => expect(await committed(service, topic)).toEqual([4]), { timeoutMs: 30_000 });
      expect(handled).toEqual([before.headers['ce_id'], after.headers['ce_id']]);
      await eventually(() => expect(deadLetters).toHaveLength(2));
      const source = { topic, group: service.server.groupOf(topic) };
      expectDeadLetter(deadLetters[0], nested, source, { offset: 1, code: 'UNDECODABLE_BODY', reason: 'not a valid' });
      // With its reasons added it would be over the broker's limit: it is parked without its
      // body, which stays on the source topic at the offset the dead letter names.
      expect(deadLetters[1].value?.length ?? 0).toBe(0);
      expect(deadLetters[1].headers).toMatchObject({
        [DeadLetterHeader.code]: 'UNDECODABLE_BODY',
        [DeadLetterHeader.offset]: '2',
        [DeadLetterHeader.valueDropped]: String(largest.value.length),
      });
      expect(await outcomes(service)).toMatchObject({ ok: 2, 'dead-lettered': 2 });
    });
  });

  /**
   * The size of the largest value the broker takes in `message`'s envelope, found by asking it
   * (a refused produce writes nothing): 1 MiB less a little with Kafka's default settings.
   */
  async function largestValueTaken(topic: string, message: Sent): Promise<number> {
    const probe = await kafka.createTopic(uniqueName(`${topic}.probe`), 1);
    for (let bytes = 1024 * 1024; bytes > 0; bytes -= 128) {
      try {
        await kafka.produce(probe, [{ ...message, value: Buffer.alloc(bytes) }]);
        return bytes;
      } catch (error) {
        if ((error as { type?: string }).type !== 'MESSAGE_TOO_LARGE') throw error;
      }
    }
    throw new Error('the broker took no message at all');
  }

  describe('topics', () => {
    it('keeps handling one topic while another topic is stuck retrying', async () => {
      const stuckTopic = await kafka.createTopic(uniqueName('it.consumer.stuck'), 1, { deadLetter: true });
      const freeTopic = await kafka.createTopic(uniqueName('it.consumer.free'), 1, { deadLetter: true });
      let stuckAttempts = 0;
      const handled: string[] = [];
      const stuckEvent = encodedOrderEvent(randomUUID(), 0);
      const freeEvents = [encodedOrderEvent(randomUUID(), 1), encodedOrderEvent(randomUUID(), 1)];
      await kafka.produce(stuckTopic, [asMessage(stuckEvent)]);

      const service = startServer([stuckTopic, freeTopic], {
        [OrderEventType.created]: async () => {
          stuckAttempts += 1;
          throw new Error('points-service is unavailable');
        },
        [OrderEventType.confirmed]: async (event) => void handled.push(event.meta.eventId),
      });
      await eventually(() => expect(stuckAttempts).toBeGreaterThanOrEqual(2));
      await kafka.produce(freeTopic, freeEvents.map(asMessage));

      await eventually(async () => expect(await committed(service, freeTopic)).toEqual([2]));
      expect(handled).toEqual(freeEvents.map((e) => e.eventId));
      expect(await committed(service, stuckTopic)).toEqual([-1]);
      const attemptsSoFar = stuckAttempts;
      await eventually(() => expect(stuckAttempts).toBeGreaterThan(attemptsSoFar));
      expect(service.server.problems()).toEqual([]);
    });
  });
});

/** A dead letter is the message as it was sent, plus headers saying why and where from. */
function expectDeadLetter(
  deadLetter: ReadMessage,
  sent: Message & { value: Buffer; headers: Record<string, string> },
  source: { topic: string; group: string },
  expected: { offset: number; code: string; reason: string },
): void {
  expect(deadLetter.key).toBe(sent.key);
  expect(deadLetter.value?.equals(sent.value)).toBe(true);
  // Its own envelope stays, so it can be inspected and replayed as it was.
  expect(deadLetter.headers).toMatchObject(sent.headers);
  expect(deadLetter.headers).toMatchObject({
    [DeadLetterHeader.code]: expected.code,
    [DeadLetterHeader.topic]: source.topic,
    [DeadLetterHeader.partition]: '0',
    [DeadLetterHeader.offset]: String(expected.offset),
    [DeadLetterHeader.group]: source.group,
  });
  expect(deadLetter.headers[DeadLetterHeader.reason]).toContain(expected.reason);
  expect(Number.isNaN(Date.parse(deadLetter.headers[DeadLetterHeader.at]))).toBe(false);
}
