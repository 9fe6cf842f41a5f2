import type { OutboxMessage } from '@orderflow/persistence';
import type { Kafka, Producer, ProducerBatch, ProducerRecord } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { RETRY_WAITS } from './kafka.client';
import type { KafkaTrafficMetrics } from './kafka.metrics';
import { publishSpans } from './tracing/message.spans';

/**
 * The service's one Kafka producer: idempotent with a single request in flight, so retries
 * never duplicate or reorder, and connected on first use (and again after a broker outage)
 * so the service can start while Kafka is down.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly traffic?: KafkaTrafficMetrics,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Idempotence holds only while a send keeps its sequence numbers: it retries until the
      // broker takes it (the client's shorter waits between attempts still apply).
      retry: { ...RETRY_WAITS, retries: Number.MAX_SAFE_INTEGER },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
    traffic?.watch(this.producer);
  }

  async send(record: ProducerRecord): Promise<void> {
    await this.ensureConnected();
    await this.producer.send({ ...record, acks: -1 });
    this.traffic?.messagesProduced(record.topic, record.messages.length);
  }

  async sendBatch(batch: ProducerBatch): Promise<void> {
    await this.ensureConnected();
    await this.producer.sendBatch({ ...batch, acks: -1 });
    for (const { topic, messages } of batch.topicMessages ?? []) this.traffic?.messagesProduced(topic, messages.length);
  }

  /**
   * Encoded events, in one produce request, each with its `send` span (a child of the work
   * that encoded it). Events of one topic keep their order.
   */
  async publish(events: readonly OutboxMessage[]): Promise<void> {
    const byTopic = new Map<string, OutboxMessage[]>();
    for (const event of events) {
      const messages = byTopic.get(event.topic);
      if (messages) messages.push(event);
      else byTopic.set(event.topic, [event]);
    }
    if (byTopic.size === 0) return;
    const topicMessages = [...byTopic].map(([topic, messages]) => {
      const spans = publishSpans(messages);
      return { spans, topic, messages: messages.map((m, i) => ({ key: m.key, value: m.value, headers: spans.headers[i] })) };
    });
    try {
      await this.sendBatch({ topicMessages: topicMessages.map(({ topic, messages }) => ({ topic, messages })) });
    } catch (error) {
      for (const { spans } of topicMessages) spans.end(error);
      throw error;
    }
    for (const { spans } of topicMessages) spans.end();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  private async ensureConnected(): Promise<void> {
    if (!this.connected) await this.producer.connect();
  }
}
