import { Counter, type Registry } from 'prom-client';

export type AttemptOutcome = 'sent' | 'retry' | 'failed';

/** Send attempts by kind and outcome, on the service's `/metrics`. */
export class NotificationMetrics {
  private readonly attempts: Counter<'kind' | 'outcome'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'orderflow_notification_attempts_total',
      help: 'Notification send attempts, by kind and outcome (sent, retry, failed)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
  }

  attempted(kind: string, outcome: AttemptOutcome): void {
    this.attempts.inc({ kind, outcome });
  }
}
