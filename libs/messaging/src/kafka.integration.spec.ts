import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';

/**
 * Proof that the local broker is a real Kafka: a consumer group commits offsets, and a
 * restarted consumer resumes exactly after what it committed — nothing lost, nothing re-read.
 */
describe('Kafka broker (integration)', () => {
  const kafka = new Kafka({
    clientId: 'integration-test',
    brokers: infraEnv().KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const topic = uniqueName('it.kafka');
  const groupId = uniqueName('it.group');

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  async function produce(from: number, to: number) {
    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = [];
    for (let i = from; i <= to; i++) messages.push({ key: `order-${i % 5}`, value: String(i) });
    await producer.send({ topic, messages });
    await producer.disconnect();
  }

  /** Consumes until `until` returns true, committing each offset only after "handling" it. */
  async function consume(until: (seen: number[]) => boolean): Promise<number[]> {
    const consumer: Consumer = kafka.consumer({ groupId });
    const seen: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (until(seen)) return;
        seen.push(Number(message.value?.toString()));
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    await eventually(() => expect(until(seen)).toBe(true), { timeoutMs: 30_000 });
    await consumer.disconnect();
    return seen;
  }

  it('resumes a restarted consumer after its committed offsets', async () => {
    await produce(1, 20);
    const first = await consume((seen) => seen.length >= 20);
    expect(first.sort((a, b) => a - b)).toEqual(range(1, 20));

    await produce(21, 30);
    const second = await consume((seen) => seen.length >= 10);
    expect(second.sort((a, b) => a - b)).toEqual(range(21, 30));

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(30);
  });
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
