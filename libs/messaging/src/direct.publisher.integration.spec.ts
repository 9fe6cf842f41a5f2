import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { freePort, eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DirectPublisher, PublishUnavailableError } from './direct.publisher';
import { EventProducer } from './event.producer';
import { KafkaFixture, type ReadMessage } from './testing/kafka.fixture';
import { outboxOrderEvent as orderEvent } from './testing/order-events.fixture';

/**
 * Publishing without an outbox, against the real broker: what one turn of the event loop asks
 * for goes out in one produce request, exactly as encoded; when the broker is unreachable the
 * caller hears so within the timeout, and at once for a while after, so it can fall back to
 * its outbox.
 */
describe('DirectPublisher (integration)', () => {
  const env = infraEnv();
  const kafka = new KafkaFixture(env.KAFKA_BROKERS.split(','));
  const topic = uniqueName('it.direct');
  let producer: EventProducer;
  let published: ReadMessage[];
  const sends: number[] = [];

  beforeAll(async () => {
    await kafka.start();
    await kafka.createTopic(topic, 3);
    published = await kafka.read(topic, uniqueName('it.direct.reader'));
    producer = new EventProducer(kafka.kafka);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = (batch) => {
      sends.push(batch.topicMessages?.reduce((n, t) => n + t.messages.length, 0) ?? 0);
      return sendBatch(batch);
    };
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka.stop();
  });

  it('publishes the events asked for in one turn in one produce request, byte for byte, and resolves once the broker took them', async () => {
    const publisher = new DirectPublisher(producer, { timeoutMs: 10_000, pauseAfterFailureMs: 1_000 });
    const orders: string[] = [randomUUID(), randomUUID(), randomUUID()];
    const events = orders.map((orderId) => orderEvent(topic, orderId));
    sends.length = 0;

    await Promise.all(events.map((event) => publisher.publish([event])));

    expect(sends).toEqual([3]);
    await eventually(() => expect(published.filter((m) => orders.includes(m.key as string))).toHaveLength(3));
    for (const event of events) {
      const [message] = published.filter((m) => m.key === event.key);
      expect(message.headers['ce_id']).toBe(event.eventId);
      expect(Buffer.compare(message.value as Buffer, Buffer.from(event.value))).toBe(0);
    }
  });

  it('tells the caller when the broker is unreachable, and at once while paused after that, unless there is nothing to publish', async () => {
    const unreachable = new Kafka({
      clientId: 'it-direct-unreachable',
      brokers: [`127.0.0.1:${await freePort()}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const deadProducer = new EventProducer(unreachable);
    const publisher = new DirectPublisher(deadProducer, { timeoutMs: 5_000, pauseAfterFailureMs: 60_000 });
    try {
      await expect(publisher.publish([orderEvent(topic, randomUUID())])).rejects.toBeInstanceOf(PublishUnavailableError);

      const again = Date.now();
      await expect(publisher.publish([orderEvent(topic, randomUUID())])).rejects.toThrow(/failed a publish just now/);
      expect(Date.now() - again).toBeLessThan(100);
      // Nothing to publish (a redelivery whose decision announced nothing) asks nothing of the broker.
      await expect(publisher.publish([])).resolves.toBeUndefined();
    } finally {
      await deadProducer.disconnect().catch(() => undefined);
    }
  });

  it('gives up waiting after the timeout when the broker takes the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = new Kafka({
      clientId: 'it-direct-silent',
      brokers: [`127.0.0.1:${(silent.address() as AddressInfo).port}`],
      logLevel: logLevel.NOTHING,
      requestTimeout: 30_000,
      retry: { retries: 0 },
    });
    const stuckProducer = new EventProducer(hanging);
    const publisher = new DirectPublisher(stuckProducer, { timeoutMs: 300, pauseAfterFailureMs: 60_000 });
    try {
      const started = Date.now();
      await expect(publisher.publish([orderEvent(topic, randomUUID())])).rejects.toThrow(/did not take the events within 300 ms/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      // Cut the connection, so the producer's own retrying ends with its disconnect.
      for (const socket of sockets) socket.destroy();
      silent.close();
      await stuckProducer.disconnect().catch(() => undefined);
    }
  });
});
