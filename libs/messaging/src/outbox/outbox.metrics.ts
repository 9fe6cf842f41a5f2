import { Gauge, type Registry } from 'prom-client';
import type { OutboxStore } from '@orderflow/persistence';

/**
 * The outbox as an on-call sees it: how many events wait, and how long the oldest has
 * waited — which grows only when publishing is stuck (Kafka down, a relay crashing),
 * since the relay publishes every write at once. Both come from one scan per scrape.
 */
export function registerOutboxMetrics(registry: Registry, store: OutboxStore): void {
  let scan: Promise<{ events: number; oldest?: Date }> | undefined;
  // Both gauges are collected in the same scrape: they share one scan of the database.
  const backlog = () => (scan ??= store.backlog().finally(() => setImmediate(() => (scan = undefined))));
  new Gauge({
    name: 'orderflow_outbox_backlog',
    help: 'Events written to the outbox and not yet published',
    registers: [registry],
    async collect() {
      await backlog()
        .then(({ events }) => this.set(events))
        .catch(() => undefined);
    },
  });
  new Gauge({
    name: 'orderflow_outbox_oldest_event_age_seconds',
    help: 'Age of the oldest event written to the outbox and not yet published (0 when none waits)',
    registers: [registry],
    async collect() {
      await backlog()
        .then(({ oldest }) => this.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest.getTime()) / 1000)))
        .catch(() => undefined);
    },
  });
}
