import { DEAD_LETTER_REPLAYS_TOPIC, deadLetterTopic, Topics, type TopicKey } from '@orderflow/contracts';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Kafka, Producer } from 'kafkajs';
import { fromRecord, replayHeaders, type DeadLetter } from './dead-letter';

/** What one replay sent where, as recorded on the replays topic. */
export interface ReplayRecord {
  id: string;
  eventId: string | null;
  orderId: string | null;
  eventType: string | null;
  to: { topic: string; partition: number; offset: string };
  at: string;
  by: string;
}

const READ_TIMEOUT_MS = 60_000;

/**
 * Dead-letter topics and the replays topic, read and written with plain Kafka clients. Reads
 * join a throw-away consumer group that commits nothing and is deleted afterwards, so the
 * services' groups and offsets are never touched.
 */
export class DeadLetterStore {
  private producer?: Producer;

  constructor(private readonly kafka: Kafka) {}

  /** Every dead letter of `topics` and every replay recorded so far. */
  async readAll(topics: TopicKey[]): Promise<{ letters: DeadLetter[]; replays: Map<string, ReplayRecord[]> }> {
    const byName = new Map<string, TopicKey>(topics.map((key) => [deadLetterTopic(Topics[key].name), key]));
    const letters: DeadLetter[] = [];
    const replays = new Map<string, ReplayRecord[]>();
    await this.readTopics([...byName.keys(), DEAD_LETTER_REPLAYS_TOPIC.name], (topic, partition, record) => {
      const key = byName.get(topic);
      if (key) return void letters.push(fromRecord(key, partition, record));
      if (!record.value) return;
      const replay = JSON.parse(record.value.toString()) as ReplayRecord;
      replays.set(replay.id, [...(replays.get(replay.id) ?? []), replay]);
    });
    letters.sort((a, b) => a.deadLetteredAt.getTime() - b.deadLetteredAt.getTime() || a.id.localeCompare(b.id));
    return { letters, replays };
  }

  /** Sends a dead letter back to its source topic (same key, value, event id), then records that. */
  async replay(letter: DeadLetter): Promise<ReplayRecord> {
    const producer = await this.connectedProducer();
    const [sent] = await producer.send({
      topic: letter.source.topic,
      messages: [{ key: letter.key, value: letter.value, headers: replayHeaders(letter) }],
    });
    const record: ReplayRecord = {
      id: letter.id,
      eventId: letter.eventId,
      orderId: letter.orderId,
      eventType: letter.eventType,
      to: { topic: sent.topicName, partition: sent.partition, offset: sent.baseOffset ?? '?' },
      at: new Date().toISOString(),
      by: userInfo().username,
    };
    await producer.send({ topic: DEAD_LETTER_REPLAYS_TOPIC.name, messages: [{ key: letter.id, value: JSON.stringify(record) }] });
    return record;
  }

  /** Deletes everything now on the dead-letter topics of `topics`; the number of records deleted. */
  async purge(topics: TopicKey[]): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let deleted = 0;
      for (const key of topics) {
        const topic = deadLetterTopic(Topics[key].name);
        const offsets = await admin.fetchTopicOffsets(topic);
        const partitions = offsets.filter((p) => BigInt(p.high) > BigInt(p.low));
        if (partitions.length === 0) continue;
        await admin.deleteTopicRecords({ topic, partitions: partitions.map((p) => ({ partition: p.partition, offset: p.high })) });
        deleted += partitions.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
      }
      return deleted;
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    return this.producer;
  }

  /** Reads `topics` from their start to the end they had when the read began. */
  private async readTopics(
    topics: string[],
    each: (topic: string, partition: number, record: Parameters<typeof fromRecord>[2]) => void,
  ): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `orderflow.dlq-cli.${randomUUID()}`;
    try {
      // What is left to read, per topic and partition: up to the end as of now.
      const remaining = new Map<string, bigint>();
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}:${p.partition}`, BigInt(p.high));
        }
      }
      if (remaining.size === 0) return;
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
      await consumer.connect();
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`reading the dead-letter topics took longer than ${READ_TIMEOUT_MS} ms`)),
            READ_TIMEOUT_MS,
          );
          consumer
            .subscribe({ topics, fromBeginning: true })
            .then(() =>
              consumer.run({
                autoCommit: false,
                eachBatch: async ({ batch }) => {
                  const slot = `${batch.topic}:${batch.partition}`;
                  const end = remaining.get(slot);
                  if (end === undefined) return;
                  for (const message of batch.messages) {
                    if (BigInt(message.offset) < end) each(batch.topic, batch.partition, message);
                  }
                  if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(slot);
                  if (remaining.size === 0) {
                    clearTimeout(timer);
                    resolve();
                  }
                },
              }),
            )
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
    } finally {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  }
}
