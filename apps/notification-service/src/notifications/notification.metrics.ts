import { Counter, type Registry } from 'prom-client';

export type AttemptOutcome = 'sent' | 'retry' | 'failed';

/** Send attempts by kind and outcome, on the service's `/metrics`. */
export class NotificationMetrics {
  private readonly attempts: Counter<'kind' | 'outcome'>;
  private readonly sent: Counter<'kind'>;
  private readonly failed: Counter<'kind'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'orderflow_notification_attempts_total',
      help: 'Notification send attempts, by kind and outcome (sent, retry, failed)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    this.sent = new Counter({
      name: 'orderflow_notifications_sent_total',
      help: 'Notifications sent, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.failed = new Counter({
      name: 'orderflow_notifications_failed_total',
      help: 'Notifications given up on after their last attempt, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  attempted(kind: string, outcome: AttemptOutcome): void {
    this.attempts.inc({ kind, outcome });
    if (outcome === 'sent') this.sent.inc({ kind });
    if (outcome === 'failed') this.failed.inc({ kind });
  }
}
