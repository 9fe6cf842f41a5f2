import { Admin, Consumer, IHeaders, Kafka, KafkaMessage, logLevel, Message, Partitioners, Producer } from 'kafkajs';

/** A message as a test reads it back: headers as text, the value as the bytes on the log. */
export interface ReadMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Throwaway topics and consumer groups on the real broker for one spec file, a plain
 * producer for arbitrary bytes, and readers that record what arrives. Test-only: specs
 * import it, the lib does not. `stop()` deletes everything it created or was told about.
 */
export class KafkaFixture {
  readonly kafka: Kafka;
  private readonly admin: Admin;
  private producer?: Producer;
  private readonly topics = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly readers: Consumer[] = [];

  constructor(readonly brokers: string[]) {
    this.kafka = new Kafka({ clientId: 'messaging-integration', brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
  }

  /** Creates `name` and, with `deadLetter`, its one-partition `<name>.dlt` as well. */
  async createTopic(name: string, partitions: number, { deadLetter = false } = {}): Promise<string> {
    const topics = [{ topic: name, numPartitions: partitions }];
    if (deadLetter) topics.push({ topic: `${name}.dlt`, numPartitions: 1 });
    await this.admin.createTopics({ topics, waitForLeaders: true });
    topics.forEach(({ topic }) => this.topics.add(topic));
    return name;
  }

  /** A consumer group the code under test joins, deleted by `stop()`. */
  ownGroup(groupId: string): string {
    this.groups.add(groupId);
    return groupId;
  }

  async produce(topic: string, messages: Message[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await this.producer.connect();
    }
    await this.producer.send({ topic, messages, acks: -1 });
  }

  /**
   * Records everything on `topic`, from its beginning and in partition order, into the
   * returned array, which keeps filling until `stop()`.
   */
  async read(topic: string, groupId: string): Promise<ReadMessage[]> {
    const messages: ReadMessage[] = [];
    const consumer = this.kafka.consumer({ groupId: this.ownGroup(groupId), maxWaitTimeInMs: 250 });
    this.readers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(readMessage(topic, partition, message));
      },
    });
    return messages;
  }

  /** The group's committed offset per partition, in partition order; -1 when nothing is. */
  async committed(groupId: string, topic: string): Promise<number[]> {
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return [...offsets.partitions].sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  }

  /** How many messages each partition holds (its end offset), in partition order. */
  async endOffsets(topic: string): Promise<number[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return [...offsets].sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
  }

  async stop(): Promise<void> {
    await Promise.all(this.readers.map((consumer) => consumer.disconnect()));
    await this.producer?.disconnect();
    await this.admin.deleteGroups([...this.groups]).catch(() => undefined);
    await this.admin.deleteTopics({ topics: [...this.topics] }).catch(() => undefined);
    await this.admin.disconnect();
  }
}

function readMessage(topic: string, partition: number, message: KafkaMessage): ReadMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString() ?? null,
    value: message.value,
    headers: textHeaders(message.headers ?? {}),
  };
}

function textHeaders(headers: IHeaders): Record<string, string> {
  const entries = Object.entries(headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map(String).join(',')]);
  return Object.fromEntries(entries);
}
