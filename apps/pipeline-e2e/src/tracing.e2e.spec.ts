import { Topics } from '@orderflow/contracts';
import { eventually, infraEnv, startService, uniqueName, waitUntilReady, type ServiceProcess } from '@orderflow/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  call,
  orderReaches,
  putProduct,
  currentInstance,
  killAndWait,
  recordInstance,
  startServiceAgain,
  notificationsSent,
  SERVICES,
  type ServiceName,
} from '@orderflow/stack';
import { withOwnServices } from './support/own-services';
import { jaegerBackend, localJaeger, otlpReceiver, type StoredSpan, type TraceBackend } from './support/trace-backend';

const localOnly = withOwnServices('it restarts every service to export traces to a backend of its own');

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The structured log lines a service wrote (one JSON object per line). */
const logLines = (service: ServiceProcess): Record<string, unknown>[] =>
  service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** True when `span` is `ancestor` or lies below it. */
function descendsFrom(span: StoredSpan, ancestor: StoredSpan, byId: Map<string, StoredSpan>): boolean {
  for (let at: StoredSpan | undefined = span; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) {
    if (at.spanId === ancestor.spanId) return true;
  }
  return false;
}

/**
 * The four services with tracing on, exporting to a real trace backend — the local Jaeger
 * when `npm run infra -- up --observability` runs it, otherwise an OTLP receiver in this
 * process — and one order followed through all of them by its trace and its log lines.
 */
localOnly('one order, one trace', () => {
  const run = process.env['E2E_RUN_ID'] as string;
  let backend: TraceBackend;
  const traced = new Map<ServiceName, ServiceProcess>();
  const originalEnv = new Map<ServiceName, Record<string, string>>();

  beforeAll(async () => {
    const jaeger = localJaeger();
    backend = jaeger ? await jaegerBackend(jaeger) : await otlpReceiver();
    process.stdout.write(`tracing e2e: exporting to ${backend.name}\n`);
    for (const { name } of SERVICES) {
      const { pid, env } = currentInstance(run, name);
      originalEnv.set(name, env);
      await killAndWait(pid, 'SIGTERM');
      // Spans go out every 100 ms, so the test need not wait for the default 5 s batches.
      const tracedEnv = { ...env, ...backend.env, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_FORMAT: 'json' };
      const service = startService(name, tracedEnv);
      recordInstance(run, name, { pid: service.pid, env: tracedEnv, original: false });
      traced.set(name, service);
    }
    await Promise.all([...traced.values()].map((service) => waitUntilReady(service, 90_000)));
  }, 180_000);

  afterAll(async () => {
    for (const [name, service] of traced) {
      await service.stop('SIGTERM');
      recordInstance(run, name, { pid: service.pid, env: originalEnv.get(name) as Record<string, string>, original: false });
      await startServiceAgain(name);
    }
    await backend?.close();
  }, 180_000);

  it('POST /orders, the relay, the reservation, the confirmation, points and notifications are one trace', async () => {
    const sku = uniqueName('TRC');
    await putProduct(sku, { price: 1250, stock: 10 });
    // The caller's own span: the whole order hangs below it.
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const placed = await call(
      'order-api',
      'POST',
      '/orders',
      { customerId: uniqueName('trace'), items: [{ sku, quantity: 2 }] },
      {
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
    );
    expect(placed.status).toBe(202);
    const orderId = placed.body.id as string;
    await orderReaches(orderId, ['CONFIRMED']);
    await notificationsSent({ orderId }, ['ORDER_CONFIRMED', 'POINTS_AWARDED']);

    // Every step of the order, as (service, span kind, event type); spans reach the backend in batches.
    const steps: [ServiceName, string, string][] = [
      ['order-api', 'PRODUCER', 'OrderCreated'],
      ['inventory-service', 'CONSUMER', 'OrderCreated'],
      ['inventory-service', 'PRODUCER', 'InventoryReserved'],
      ['order-api', 'CONSUMER', 'InventoryReserved'],
      ['order-api', 'PRODUCER', 'OrderConfirmed'],
      ['points-service', 'CONSUMER', 'OrderConfirmed'],
      ['points-service', 'PRODUCER', 'PointsAwarded'],
      ['notification-service', 'CONSUMER', 'OrderConfirmed'],
      ['notification-service', 'CONSUMER', 'PointsAwarded'],
    ];
    const isStep = (span: StoredSpan, [service, kind, type]: [ServiceName, string, string]) =>
      span.service === service && span.kind === kind && String(span.attributes['orderflow.event_type']).endsWith(`.${type}`);
    const spans = await eventually(
      async () => {
        const found = await backend.trace(traceId);
        expect(steps.filter((step) => !found.some((span) => isStep(span, step)))).toEqual([]);
        return found;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (service: ServiceName, kind: string, eventType: string) => {
      const matching = spans.filter((span) => isStep(span, [service, kind, eventType]));
      expect([service, kind, eventType, matching.length]).toEqual([service, kind, eventType, 1]);
      return matching[0];
    };
    const parentOf = (span: StoredSpan) => byId.get(span.parentSpanId ?? '');

    const request = spans.find((s) => s.service === 'order-api' && s.kind === 'SERVER');
    expect(request).toBeDefined();
    expect(request?.parentSpanId).toBe(callerSpanId);
    const created = one('order-api', 'PRODUCER', 'OrderCreated');
    expect(descendsFrom(created, request as StoredSpan, byId)).toBe(true);
    const reserving = one('inventory-service', 'CONSUMER', 'OrderCreated');
    expect(parentOf(reserving)).toBe(created);
    const reserved = one('inventory-service', 'PRODUCER', 'InventoryReserved');
    expect(parentOf(reserved)).toBe(reserving);
    const confirming = one('order-api', 'CONSUMER', 'InventoryReserved');
    expect(parentOf(confirming)).toBe(reserved);
    const confirmed = one('order-api', 'PRODUCER', 'OrderConfirmed');
    expect(parentOf(confirmed)).toBe(confirming);
    const awarding = one('points-service', 'CONSUMER', 'OrderConfirmed');
    expect(parentOf(awarding)).toBe(confirmed);
    const awarded = one('points-service', 'PRODUCER', 'PointsAwarded');
    expect(parentOf(awarded)).toBe(awarding);
    expect(parentOf(one('notification-service', 'CONSUMER', 'OrderConfirmed'))).toBe(confirmed);
    expect(parentOf(one('notification-service', 'CONSUMER', 'PointsAwarded'))).toBe(awarded);

    for (const span of [created, reserving, reserved, confirming, confirmed, awarding, awarded]) {
      expect(span.attributes['orderflow.order_id']).toBe(orderId);
      expect(span.attributes['messaging.message.id']).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    }
    // The database work of a handler is part of the trace too.
    expect(spans.some((s) => s.service === 'inventory-service' && s.kind === 'CLIENT' && descendsFrom(s, reserving, byId))).toBe(true);

    // Log lines of that work name the same trace, span, order and event as fields.
    const lines = (service: ServiceName) => logLines(traced.get(service) as ServiceProcess).filter((line) => line['order_id'] === orderId);
    const requestLine = lines('order-api').find((line) => line['msg'] === 'POST /orders 202');
    expect(requestLine).toMatchObject({
      level: 'info',
      service: 'order-api',
      trace_id: traceId,
      res: { status: 202 },
      duration_ms: expect.any(Number),
    });
    expect(byId.get(requestLine?.['span_id'] as string)).toBeDefined();
    const confirmLine = lines('order-api').find((line) => String(line['msg']).includes('PENDING -> CONFIRMED'));
    expect(confirmLine).toMatchObject({
      trace_id: traceId,
      span_id: confirming.spanId,
      event_id: confirming.attributes['orderflow.event_id'],
    });
    const reserveLine = lines('inventory-service').find((line) => String(line['msg']).includes('reserved'));
    expect(reserveLine).toMatchObject({
      trace_id: traceId,
      span_id: reserving.spanId,
      event_id: reserving.attributes['orderflow.event_id'],
    });
    const awardLine = lines('points-service').find((line) => String(line['msg']).includes('awarded'));
    expect(awardLine).toMatchObject({ trace_id: traceId, span_id: awarding.spanId, event_id: awarding.attributes['orderflow.event_id'] });
    // Notifications go out from the dispatcher, after the message that recorded them.
    expect(
      lines('notification-service').filter(
        (line) => String(line['msg']).includes('notification') && String(line['msg']).includes(': sent'),
      ),
    ).toHaveLength(2);
  });

  it('records dead-lettering on the span of the message, in every service that gave up on it', async () => {
    const traceId = hex(16);
    const kafka = new Kafka({ clientId: 'e2e-tracing', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: Topics.orders.name,
        messages: [{ key: randomUUID(), value: Buffer.from('not an event'), headers: { traceparent: `00-${traceId}-${hex(8)}-01` } }],
      });
    } finally {
      await producer.disconnect();
    }
    await eventually(
      async () => {
        const parked = (await backend.trace(traceId)).filter((s) => s.kind === 'CONSUMER' && s.events.includes('dead-lettered'));
        // Every service that reads the orders topic (order-api writes it and does not).
        expect(new Set(parked.map((s) => s.service))).toEqual(new Set(['inventory-service', 'points-service', 'notification-service']));
        for (const span of parked) expect(span.attributes['orderflow.dead_letter.code']).toBe('MISSING_HEADER');
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  });

  it('never writes a bearer token to the logs', async () => {
    const token = `secret-${hex(12)}`;
    await call('order-api', 'GET', `/orders/${randomUUID()}`, undefined, { authorization: `Bearer ${token}` });
    await eventually(() =>
      expect(logLines(traced.get('order-api') as ServiceProcess).some((l) => String(l['msg']).startsWith('GET /orders/'))).toBe(true),
    );
    for (const service of traced.values()) expect(service.output()).not.toContain(token);
  });
});
