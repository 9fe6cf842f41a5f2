import { PARTITIONS } from '@orderflow/contracts';
import { Consumer, MessagesStreamModes, Producer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** Raw broker throughput with one client library: produced, and produced then consumed back. */
export interface KafkaLimit {
  client: string;
  messages: number;
  /** Messages/s acknowledged by the broker (acks from all in-sync replicas, like the services). */
  producePerSecond: number;
  /** Messages/s from the first send to the last message read back by a consumer group. */
  roundTripPerSecond: number;
}

/** About the size of one of the pipeline's protobuf events with its envelope headers. */
const PAYLOAD = Buffer.alloc(300, 'x');
const BATCH = 500;
const keyOf = (i: number) => `order-${i % 1000}`;

/** Runs `measure` on a fresh topic shaped like the pipeline's (same partition count), deleted afterwards. */
async function onFreshTopic<T>(brokers: string[], measure: (topic: string) => Promise<T>): Promise<T> {
  const kafka = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `orderflow.bench.${randomUUID().slice(0, 8)}`;
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    return await measure(topic);
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

export function kafkajsLimit(brokers: string[], messages: number): Promise<KafkaLimit> {
  return onFreshTopic(brokers, async (topic) => {
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${topic}.kafkajs` });
    const producer = kafka.producer();
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      let received = 0;
      let done: () => void = () => undefined;
      const allReceived = new Promise<void>((resolve) => (done = resolve));
      // The clock starts once the group is joined: joining is a one-off cost, not throughput.
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          received += batch.messages.length;
          if (received >= messages) done();
        },
      });
      await joined;
      const started = performance.now();
      for (let sent = 0; sent < messages; sent += BATCH) {
        const count = Math.min(BATCH, messages - sent);
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: count }, (_, i) => ({ key: keyOf(sent + i), value: PAYLOAD })),
        });
      }
      const produced = performance.now();
      await allReceived;
      const consumed = performance.now();
      return {
        client: 'kafkajs',
        messages,
        producePerSecond: (messages * 1000) / (produced - started),
        roundTripPerSecond: (messages * 1000) / (consumed - started),
      };
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
  });
}

export function platformaticLimit(brokers: string[], messages: number): Promise<KafkaLimit> {
  return onFreshTopic(brokers, async (topic) => {
    const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers, acks: -1 });
    const consumer = new Consumer({ clientId: 'bench-platformatic', groupId: `${topic}.platformatic`, bootstrapBrokers: brokers });
    try {
      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: true });
      let received = 0;
      const allReceived = new Promise<void>((resolve, reject) => {
        stream.on('data', () => {
          if (++received >= messages) resolve();
        });
        stream.on('error', reject);
      });
      const started = performance.now();
      for (let sent = 0; sent < messages; sent += BATCH) {
        const count = Math.min(BATCH, messages - sent);
        await producer.send({
          messages: Array.from({ length: count }, (_, i) => ({ topic, key: Buffer.from(keyOf(sent + i)), value: PAYLOAD })),
        });
      }
      const produced = performance.now();
      await allReceived;
      const consumed = performance.now();
      await stream.close();
      return {
        client: '@platformatic/kafka',
        messages,
        producePerSecond: (messages * 1000) / (produced - started),
        roundTripPerSecond: (messages * 1000) / (consumed - started),
      };
    } finally {
      await consumer.close(true);
      await producer.close();
    }
  });
}
