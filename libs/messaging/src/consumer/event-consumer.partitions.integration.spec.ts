import { randomUUID } from 'node:crypto';
import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import type { Consumer } from 'kafkajs';
import { Registry } from 'prom-client';
import { EventProducer } from '../event.producer';
import { KafkaFixture } from '../testing/kafka.fixture';
import { encodedOrderEvent, OrderEventType } from '../testing/order-events.fixture';
import { ConsumerMetrics } from './consumer.metrics';
import { EventConsumerServer } from './event-consumer.server';

/**
 * Guarantees of EventConsumerServer about partitions and shutdown, against a real broker:
 * a partition that is retrying holds up only itself, and a closed server consumes nothing.
 */
describe('EventConsumerServer, partitions and shutdown (integration)', () => {
  const env = infraEnv();
  const kafka = new KafkaFixture(env.KAFKA_BROKERS.split(','));
  let producer: EventProducer;
  const servers: EventConsumerServer[] = [];

  beforeAll(async () => {
    await kafka.start();
    producer = new EventProducer(kafka.kafka);
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await server.close();
      // What close() missed, so a failing test does not leave consumers behind.
      await server.unwrap<Consumer | undefined>()?.disconnect();
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka.stop();
  });

  function createServer(topic: string, handlers: Record<string, () => Promise<void>>): EventConsumerServer {
    const server = new EventConsumerServer(
      kafka.kafka,
      producer,
      {
        groupId: uniqueName('it.service'),
        topics: [topic],
        retry: { initialMs: 20, maxMs: 100 },
        partitionsConsumedConcurrently: 3,
        keysConsumedConcurrently: 8,
      },
      new ConsumerMetrics(new Registry()),
    );
    kafka.ownGroup(server.groupOf(topic));
    for (const [pattern, handler] of Object.entries(handlers)) server.addHandler(pattern, handler, true);
    servers.push(server);
    return server;
  }

  // EventConsumerOptions.partitionsConsumedConcurrently: "a retrying partition blocks only itself".
  it('keeps handling the other partitions of a topic while one partition is stuck retrying', async () => {
    const topic = await kafka.createTopic(uniqueName('it.consumer.partitions'), 2, { deadLetter: true });
    const stuck = encodedOrderEvent(randomUUID(), 0);
    const free = encodedOrderEvent(randomUUID(), 1);
    let stuckAttempts = 0;
    const handled: string[] = [];
    await kafka.produce(topic, [{ ...stuck, partition: 0 }]);
    const server = createServer(topic, {
      [OrderEventType.created]: async () => {
        stuckAttempts += 1;
        throw new Error('MongoDB is unavailable');
      },
      [OrderEventType.confirmed]: async () => void handled.push(free.eventId),
    });
    server.listen(() => undefined);
    await eventually(() => expect(stuckAttempts).toBeGreaterThanOrEqual(2));

    await kafka.produce(topic, [{ ...free, partition: 1 }]);

    await eventually(() => expect(handled).toEqual([free.eventId]), { timeoutMs: 20_000 });
    // Commits go out gathered, within 100 ms of the handler.
    await eventually(async () => expect(await kafka.committed(server.groupOf(topic), topic)).toEqual([-1, 1]));
  });

  // EventConsumerServer.close(): consumers "leave the group"; a service told to stop during
  // start-up must not go on consuming.
  it('consumes nothing after close(), even when closed before its consumers joined', async () => {
    const topic = await kafka.createTopic(uniqueName('it.consumer.close'), 1, { deadLetter: true });
    await kafka.produce(topic, [encodedOrderEvent(randomUUID())]);
    const handledAfterClose: string[] = [];
    const closed = createServer(topic, { [OrderEventType.created]: async () => void handledAfterClose.push('handled') });
    // A control service started right after shows how long joining and handling take.
    const controlHandled: string[] = [];
    const control = createServer(topic, { [OrderEventType.created]: async () => void controlHandled.push('handled') });

    closed.listen(() => undefined);
    await closed.close();
    control.listen(() => undefined);

    await eventually(() => expect(controlHandled).toHaveLength(1));
    await eventually(async () => expect(await kafka.committed(control.groupOf(topic), topic)).toEqual([1]));
    expect(handledAfterClose).toEqual([]);
    expect(closed.unwrap<Consumer | undefined>()).toBeUndefined();
    expect(await kafka.committed(closed.groupOf(topic), topic)).toEqual([-1]);
  });
});
