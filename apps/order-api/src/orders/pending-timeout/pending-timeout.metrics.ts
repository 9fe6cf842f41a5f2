import { Counter, Gauge, type Registry } from 'prom-client';

/** Overdue PENDING orders and the ones order-api ended, on its `/metrics` (ADR 0004). */
export class PendingTimeoutMetrics {
  private readonly timedOut: Counter;

  constructor(registry: Registry, countOverdue: () => Promise<number>) {
    new Gauge({
      name: 'orderflow_orders_pending_overdue',
      help: 'Orders PENDING for longer than PENDING_TIMEOUT_MS right now (each is ended as REJECTED/TIMEOUT by the next sweep)',
      registers: [registry],
      // Counted at scrape time, so the figure is fresh whichever replica is scraped.
      collect() {
        return countOverdue()
          .then((n) => this.set(n))
          .catch(() => undefined);
      },
    });
    this.timedOut = new Counter({
      name: 'orderflow_orders_timed_out_total',
      help: 'Orders this replica ended as REJECTED with reason TIMEOUT',
      registers: [registry],
    });
  }

  ended(): void {
    this.timedOut.inc();
  }
}
