import { isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import { LogContext } from '../logging/log.context';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The W3C `traceparent` of a span context. */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-0${(context.traceFlags & 1).toString(16)}`;
}

/** `traceparent` when it is well-formed W3C trace context, otherwise undefined. */
export function validTraceparent(value: unknown): string | undefined {
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}

/** The trace id inside a well-formed `traceparent`. */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

/**
 * The trace context the work under way continues: the active span when tracing runs,
 * otherwise whatever `traceparent` came in with the request or event, so that events
 * written now carry the trace on even through a service that does not trace itself.
 */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) return formatTraceparent(span);
  return LogContext.current()?.traceparent;
}

/**
 * Names what the current request or event is about: a field on every log line from here on,
 * and an attribute on the active span, so a trace backend finds the traces by it.
 */
export function markCorrelation(logField: string, spanAttribute: string, value: string): void {
  LogContext.assign({ [logField]: value });
  trace.getActiveSpan()?.setAttribute(spanAttribute, value);
}
