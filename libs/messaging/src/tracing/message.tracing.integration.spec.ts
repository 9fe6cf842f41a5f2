import { randomBytes, randomUUID } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { LogContext, traceWith } from '@orderflow/observability';
import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import mongoose, { Connection, Schema } from 'mongoose';
import { Registry } from 'prom-client';
import { ConsumerMetrics } from '../consumer/consumer.metrics';
import { EventConsumerServer } from '../consumer/event-consumer.server';
import { PermanentEventError } from '../consumer/permanent.error';
import { EventProducer } from '../event.producer';
import { outboxPlugin, OutboxStore, type OutboxMessage } from '@orderflow/persistence';
import { OutboxRelay } from '../outbox/outbox.relay';
import { KafkaFixture, type ReadMessage } from '../testing/kafka.fixture';
import { encodedOrderEvent, OrderEventType, outboxOrderEvent } from '../testing/order-events.fixture';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/**
 * The Kafka spans against a real broker and database, read from an in-memory exporter: the
 * relay's send span continues the context an event was written in and travels in its
 * headers; every delivery of a message is a consumer span below it, failed attempts and
 * dead-lettering recorded on them.
 */
describe('Kafka spans (integration)', () => {
  const env = infraEnv();
  const kafka = new KafkaFixture(env.KAFKA_BROKERS.split(','));
  const exporter = new InMemorySpanExporter();
  let producer: EventProducer;
  let connection: Connection;
  const servers: EventConsumerServer[] = [];

  beforeAll(async () => {
    traceWith(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    await kafka.start();
    producer = new EventProducer(kafka.kafka);
    connection = await mongoose.createConnection(env.MONGODB_URI, { dbName: uniqueName('it-tracing') }).asPromise();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  afterAll(async () => {
    traceWith(undefined);
    await producer?.disconnect();
    await kafka.stop();
    await connection?.dropDatabase();
    await connection?.close();
  });

  /** A consumer of `topic`, with fast retries, that hands order-created events to `handler`. */
  function consumerOf(topic: string, handler: () => Promise<void>): void {
    const server = new EventConsumerServer(
      kafka.kafka,
      producer,
      {
        groupId: uniqueName('it.tracing'),
        topics: [topic],
        retry: { initialMs: 20, maxMs: 50 },
        partitionsConsumedConcurrently: 1,
        keysConsumedConcurrently: 4,
      },
      new ConsumerMetrics(new Registry()),
    );
    servers.push(server);
    kafka.ownGroup(server.groupOf(topic));
    server.addHandler(OrderEventType.created, handler, true);
    server.listen(() => undefined);
  }

  const spans = (kind: SpanKind, orderId: string) =>
    exporter.getFinishedSpans().filter((s) => s.kind === kind && s.attributes['orderflow.order_id'] === orderId);

  it('publishes an event in the trace it was written in, with the send span in its headers', async () => {
    const topic = await kafka.createTopic(uniqueName('it.tracing.relay'), 1);
    const published: ReadMessage[] = await kafka.read(topic, uniqueName('it.tracing.reader'));
    const orders = connection.model(
      'Order',
      new Schema<{ _id: string; outbox: OutboxMessage[] }>({ _id: String }).plugin(outboxPlugin),
      uniqueName('orders'),
    );
    const orderId = randomUUID();
    // Written while handling a request: its span is the context the event belongs to.
    const writer = trace.getTracer('test').startSpan('POST /orders');
    const event: OutboxMessage = context.with(trace.setSpan(context.active(), writer), () => outboxOrderEvent(topic, orderId));
    writer.end();
    const written = event.headers['traceparent'];
    expect(written).toBe(`00-${writer.spanContext().traceId}-${writer.spanContext().spanId}-01`);
    await orders.create({ _id: orderId, outbox: [event] });
    const relay = new OutboxRelay(producer, new OutboxStore(connection), { sweepIntervalMs: 60_000, batchSize: 100 });
    relay.start();
    try {
      await eventually(() => expect(published.filter((m) => m.key === orderId)).toHaveLength(1));
    } finally {
      await relay.stop();
    }
    const [send] = spans(SpanKind.PRODUCER, orderId);
    expect(send.name).toBe(`send ${topic}`);
    expect(send.spanContext().traceId).toBe(writer.spanContext().traceId);
    expect(parentOf(send)).toBe(written.split('-')[2]);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.message.id': event.eventId,
    });
    const sent = published.find((m) => m.key === orderId)?.headers['traceparent'];
    expect(sent).toBe(`00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`);
  });

  it('makes a consumer span per delivery: failed attempts with their error, then the one that succeeded', async () => {
    const topic = await kafka.createTopic(uniqueName('it.tracing.retry'), 1, { deadLetter: true });
    const traceId = hex(16);
    const sendSpanId = hex(8);
    const message = encodedOrderEvent(randomUUID());
    const orderId = message.key;
    let calls = 0;
    consumerOf(topic, async () => {
      calls += 1;
      if (calls < 3) throw new Error(`database unavailable (${calls})`);
      // The handler runs inside its delivery's span, with the order on its log lines.
      expect(trace.getActiveSpan()?.spanContext().traceId).toBe(traceId);
      expect(LogContext.current()).toMatchObject({ order_id: orderId, event_id: message.eventId });
    });
    await kafka.produce(topic, [
      { key: message.key, value: message.value, headers: { ...message.headers, traceparent: `00-${traceId}-${sendSpanId}-01` } },
    ]);

    const deliveries = await eventually(() => {
      const found = spans(SpanKind.CONSUMER, orderId);
      expect(found).toHaveLength(3);
      return found.sort((a, b) => Number(a.attributes['orderflow.delivery_attempt']) - Number(b.attributes['orderflow.delivery_attempt']));
    });
    expect(deliveries.map((s) => s.attributes['orderflow.delivery_attempt'])).toEqual([1, 2, 3]);
    expect(deliveries.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(deliveries[0].events.map((e) => e.name)).toContain('exception');
    for (const span of deliveries) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(parentOf(span)).toBe(sendSpanId);
      expect(span.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'orderflow.event_id': message.eventId });
    }
  });

  it('records dead-lettering on the span of the message given up on', async () => {
    const topic = await kafka.createTopic(uniqueName('it.tracing.dlt'), 1, { deadLetter: true });
    const message = encodedOrderEvent(randomUUID());
    consumerOf(topic, async () => {
      throw new PermanentEventError('UNKNOWN_ORDER', 'no such order');
    });
    await kafka.produce(topic, [{ key: message.key, value: message.value, headers: message.headers }]);

    const [span] = await eventually(() => {
      const found = spans(SpanKind.CONSUMER, message.key);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['orderflow.dead_letter.code']).toBe('UNKNOWN_ORDER');
    expect(span.events.map((e) => e.name)).toContain('dead-lettered');
  });
});
