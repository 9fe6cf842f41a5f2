import { Topics } from '@orderflow/contracts';
import { checkPromql, eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  call,
  orderReaches,
  placeOrder,
  putProduct,
  exposedSeries,
  scrape,
  total,
  type Sample,
  SERVICES,
  type ServiceName,
} from '@orderflow/stack';

type Scrapes = Record<ServiceName, Sample[]>;

const scrapeAll = async (): Promise<Scrapes> =>
  Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s.name, await scrape(s.name)] as const))) as Scrapes;

/**
 * What an on-call reads at /metrics: the order funnel, stock, points and notifications
 * moving with real orders; consumer lag and the outbox draining to zero; dead letters
 * counted by reason.
 */
describe('metrics at /metrics', () => {
  it('count an order funnel — placed, confirmed, rejected by reason, cancelled — and what it moved', async () => {
    const sku = uniqueName('MET');
    const scarce = uniqueName('METS');
    await putProduct(sku, { price: 1250, stock: 100 });
    await putProduct(scarce, { price: 990, stock: 1 });
    const customer = uniqueName('metrics');
    const before = await scrapeAll();

    const confirmed = await placeOrder(customer, [{ sku, quantity: 2 }]);
    const short = await placeOrder(customer, [{ sku: scarce, quantity: 5 }]);
    const unknown = await placeOrder(customer, [{ sku: uniqueName('NOPE'), quantity: 1 }]);
    await orderReaches(confirmed.id, ['CONFIRMED']);
    await orderReaches(short.id, ['REJECTED']);
    await orderReaches(unknown.id, ['REJECTED']);
    expect((await call('order-api', 'POST', `/orders/${confirmed.id}/cancel`)).status).toBe(200);

    await eventually(
      async () => {
        const after = await scrapeAll();
        const grew = (service: ServiceName, name: string, labels: Record<string, string> = {}) =>
          total(after[service], name, labels) - total(before[service], name, labels);

        expect(grew('order-api', 'orderflow_orders_placed_total')).toBeGreaterThanOrEqual(3);
        expect(grew('order-api', 'orderflow_orders_confirmed_total')).toBeGreaterThanOrEqual(1);
        expect(grew('order-api', 'orderflow_orders_rejected_total', { reason: 'OUT_OF_STOCK' })).toBeGreaterThanOrEqual(1);
        expect(grew('order-api', 'orderflow_orders_rejected_total', { reason: 'UNKNOWN_SKU' })).toBeGreaterThanOrEqual(1);
        expect(grew('order-api', 'orderflow_orders_cancelled_total', { previous_status: 'CONFIRMED' })).toBeGreaterThanOrEqual(1);
        expect(grew('order-api', 'orderflow_order_pending_duration_seconds_count', { outcome: 'confirmed' })).toBeGreaterThanOrEqual(1);
        expect(grew('order-api', 'orderflow_order_pending_duration_seconds_count', { outcome: 'rejected' })).toBeGreaterThanOrEqual(2);

        expect(grew('inventory-service', 'orderflow_inventory_units_reserved_total')).toBeGreaterThanOrEqual(2);
        expect(grew('inventory-service', 'orderflow_inventory_units_released_total')).toBeGreaterThanOrEqual(2);
        // 2 × 12.50 = 25.00: 25 points, awarded and then taken back.
        expect(grew('points-service', 'orderflow_points_awarded_total')).toBeGreaterThanOrEqual(25);
        expect(grew('points-service', 'orderflow_points_reversed_total')).toBeGreaterThanOrEqual(25);
        for (const kind of ['ORDER_CONFIRMED', 'ORDER_REJECTED', 'ORDER_CANCELLED', 'POINTS_AWARDED', 'POINTS_REVERSED']) {
          // The kind in the expectation names the one that is missing.
          expect([kind, grew('notification-service', 'orderflow_notifications_sent_total', { kind }) >= 1]).toEqual([kind, true]);
        }
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it('show each consumer group caught up per topic and partition, and the outbox empty, once the pipeline is idle', async () => {
    await eventually(
      async () => {
        const now = await scrapeAll();
        for (const { name } of SERVICES) {
          const lag = now[name].filter((s) => s.name === 'orderflow_consumer_lag');
          // One series per partition of every topic the service reads.
          expect(lag.length).toBeGreaterThanOrEqual(Topics.orders.partitions);
          expect(new Set(lag.map((s) => s.labels['partition'])).size).toBe(Topics.orders.partitions);
          expect(lag.filter((s) => s.value > 0)).toEqual([]);
          expect(total(now[name], 'orderflow_outbox_backlog')).toBe(0);
          expect(total(now[name], 'orderflow_outbox_oldest_event_age_seconds')).toBe(0);
        }
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it('count a message no service can read as dead-lettered, by topic and reason, in every group that consumed it', async () => {
    const readers: ServiceName[] = ['inventory-service', 'points-service', 'notification-service'];
    const before = await scrapeAll();
    const kafka = new Kafka({ clientId: 'e2e-metrics', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      // Not an event at all: no CloudEvents headers, a body that is not protobuf of anything.
      await producer.send({ topic: Topics.orders.name, messages: [{ key: randomUUID(), value: Buffer.from('not an event') }] });
    } finally {
      await producer.disconnect();
    }
    await eventually(
      async () => {
        const after = await scrapeAll();
        for (const service of readers) {
          const labels = { topic: Topics.orders.name, code: 'MISSING_HEADER' };
          expect([
            service,
            total(after[service], 'orderflow_messages_dead_lettered_total', labels) -
              total(before[service], 'orderflow_messages_dead_lettered_total', labels),
          ]).toEqual([service, 1]);
        }
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  });

  it('serve every metric the dashboard and the alerts of the chart read', async () => {
    const monitoring = join(__dirname, '../../../deploy/helm/orderflow/files/monitoring');
    const alerts = parse(readFileSync(join(monitoring, 'alerts.yaml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const board = JSON.parse(readFileSync(join(monitoring, 'dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = [
      ...alerts.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...board.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ];
    const read = new Set(exprs.flatMap((expr) => checkPromql(expr).metrics));
    const served = new Set((await Promise.all(SERVICES.map((s) => exposedSeries(s.name)))).flatMap((names) => [...names]));
    expect([...read].filter((metric) => !served.has(metric))).toEqual([]);
  });
});
