import { Counter, Histogram, type Registry } from 'prom-client';

export type HandleOutcome = 'ok' | 'ignored' | 'dead-lettered';

/** Per topic and consumer group: messages by outcome, retries, and handler time. */
export class ConsumerMetrics {
  private readonly messages: Counter<'topic' | 'group' | 'outcome'>;
  private readonly duration: Histogram<'topic' | 'group'>;

  constructor(registry: Registry) {
    this.messages = new Counter({
      name: 'orderflow_messages_handled_total',
      help: 'Kafka messages handled, by outcome (ok, ignored, retried, dead-lettered)',
      labelNames: ['topic', 'group', 'outcome'],
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
  }
}
