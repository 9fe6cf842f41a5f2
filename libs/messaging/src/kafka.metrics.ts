import type { Consumer, Producer, RequestEvent } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';

/**
 * What the service asks of the broker, for the cost census of `npm run bench`: requests by
 * API (Produce, Fetch, OffsetCommit, Heartbeat, …) from kafkajs's instrumentation events,
 * and the messages it produced per topic.
 */
export class KafkaTrafficMetrics {
  private readonly requests: Counter<'api'>;
  private readonly produced: Counter<'topic'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'orderflow_kafka_requests_total',
      help: 'Requests this service sent to the Kafka broker, by API',
      labelNames: ['api'],
      registers: [registry],
    });
    this.produced = new Counter({
      name: 'orderflow_kafka_messages_produced_total',
      help: 'Kafka messages this service produced, by topic',
      labelNames: ['topic'],
      registers: [registry],
    });
  }

  /** Counts the requests of a producer or consumer from now on. */
  watch(client: Producer | Consumer): void {
    const count = (event: RequestEvent) => this.requests.inc({ api: event.payload.apiName });
    if ('subscribe' in client) client.on(client.events.REQUEST, count);
    else client.on(client.events.REQUEST, count);
  }

  messagesProduced(topic: string, count: number): void {
    this.produced.inc({ topic }, count);
  }
}
