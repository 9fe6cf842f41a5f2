import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { EnvelopeHeader } from '@orderflow/contracts';
import { LogContext, tracer, tracingStarted, validTraceparent } from '@orderflow/observability';
import { OrderflowAttributes } from './order.correlation';
import type { KafkaMessage } from 'kafkajs';
import type { OutboxMessage } from '@orderflow/persistence';
import { consumedHeadersGetter, producedHeadersSetter } from './kafka-headers.carrier';

/** Semantic-convention attribute names (messaging, stable since semconv 1.26). */
const Messaging = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  consumerGroup: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  key: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
} as const;

const header = (message: KafkaMessage, name: string): string | undefined =>
  consumedHeadersGetter.get(message.headers ?? {}, name) as string | undefined;

export interface ConsumedMessage {
  topic: string;
  partition: number;
  group: string;
  message: KafkaMessage;
  /** 1 on the first delivery in this process, then 2, 3, ... while it is retried. */
  attempt: number;
}

/**
 * Runs the handling of one consumed message inside its log fields (order = the message key,
 * event = its `ce_id`) and, when tracing runs, inside a `process <topic>` consumer span whose
 * parent is the producer span named by the message's `traceparent` header. Each message of
 * a batch gets its own span, so every order's trace stays one tree (ADR 0005).
 */
export function consumeInScope<T>(consumed: ConsumedMessage, handle: (span: Span | undefined) => Promise<T>): Promise<T> {
  const { message } = consumed;
  const orderId = message.key?.toString();
  const eventId = header(message, EnvelopeHeader.id);
  const traceparent = validTraceparent(header(message, EnvelopeHeader.traceparent));
  return LogContext.run({ order_id: orderId, event_id: eventId, traceparent }, () => {
    if (!tracingStarted()) return handle(undefined);
    const parent = propagation.extract(ROOT_CONTEXT, message.headers ?? {}, consumedHeadersGetter);
    const attributes: Attributes = {
      [Messaging.system]: 'kafka',
      [Messaging.operationType]: 'process',
      [Messaging.operationName]: 'process',
      [Messaging.destination]: consumed.topic,
      [Messaging.partition]: String(consumed.partition),
      [Messaging.consumerGroup]: consumed.group,
      [Messaging.offset]: Number(message.offset),
      [OrderflowAttributes.attempt]: consumed.attempt,
    };
    if (orderId) Object.assign(attributes, { [Messaging.key]: orderId, [OrderflowAttributes.orderId]: orderId });
    if (eventId) Object.assign(attributes, { [Messaging.messageId]: eventId, [OrderflowAttributes.eventId]: eventId });
    const type = header(message, EnvelopeHeader.type);
    if (type) attributes[OrderflowAttributes.eventType] = type;
    return tracer().startActiveSpan(`process ${consumed.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        return await handle(span);
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  });
}

/** Marks a span failed with the error recorded on it. */
export function failed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
}

/**
 * One `send <topic>` producer span per event of a relay batch, each a child of the context
 * the event was written in (its stored `traceparent`); the headers to produce carry the
 * span's own context, so the consumer's span becomes its child. Without tracing the stored
 * headers go out as they are and `end` does nothing.
 */
export function publishSpans(events: OutboxMessage[]): { headers: Record<string, string>[]; end: (error?: unknown) => void } {
  if (!tracingStarted()) return { headers: events.map((event) => event.headers), end: () => undefined };
  const spans: Span[] = [];
  const headers = events.map((event) => {
    const parent = propagation.extract(ROOT_CONTEXT, event.headers, consumedHeadersGetter);
    const span = tracer().startSpan(
      `send ${event.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [Messaging.system]: 'kafka',
          [Messaging.operationType]: 'send',
          [Messaging.operationName]: 'send',
          [Messaging.destination]: event.topic,
          [Messaging.messageId]: event.eventId,
          [Messaging.key]: event.key,
          [OrderflowAttributes.orderId]: event.key,
          [OrderflowAttributes.eventId]: event.eventId,
          [OrderflowAttributes.eventType]: event.type,
        },
      },
      parent,
    );
    spans.push(span);
    const out = { ...event.headers };
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), out, producedHeadersSetter);
    return out;
  });
  return {
    headers,
    end: (error?: unknown) => {
      for (const span of spans) {
        if (error !== undefined) failed(span, error);
        span.end();
      }
    },
  };
}
