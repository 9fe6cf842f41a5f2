import { Counter, Histogram, type Registry } from 'prom-client';

export type HandleOutcome = 'ok' | 'ignored' | 'dead-lettered';

/** Per topic and consumer group: messages by outcome, retries, dead letters, and handler time. */
export class ConsumerMetrics {
  private readonly messages: Counter<'topic' | 'group' | 'outcome'>;
  private readonly retries: Counter<'topic' | 'group'>;
  private readonly deadLetters: Counter<'topic' | 'group' | 'code'>;
  private readonly duration: Histogram<'topic' | 'group'>;

  constructor(registry: Registry) {
    this.messages = new Counter({
      name: 'orderflow_messages_handled_total',
      help: 'Kafka messages handled, by outcome (ok, ignored, retried, dead-lettered)',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'orderflow_message_retries_total',
      help: 'Deliveries of a Kafka message that failed transiently and will be retried after a backoff',
      labelNames: ['topic', 'group'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'orderflow_messages_dead_lettered_total',
      help: 'Kafka messages moved to the dead-letter topic, by source topic and error code',
      labelNames: ['topic', 'group', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'orderflow_handler_duration_seconds',
      help: 'Time from receiving a message to committing it, retries included',
      labelNames: ['topic', 'group'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  handled(topic: string, group: string, outcome: HandleOutcome, seconds: number): void {
    this.messages.inc({ topic, group, outcome });
    this.duration.observe({ topic, group }, seconds);
  }

  retried(topic: string, group: string): void {
    this.messages.inc({ topic, group, outcome: 'retried' });
    this.retries.inc({ topic, group });
  }

  deadLettered(topic: string, group: string, code: string): void {
    this.deadLetters.inc({ topic, group, code });
  }
}
