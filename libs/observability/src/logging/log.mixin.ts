import { isSpanContextValid, trace } from '@opentelemetry/api';
import { traceIdOf } from '../tracing/trace.context';
import { LogContext } from './log.context';

export interface CorrelationFields {
  trace_id?: string;
  span_id?: string;
  order_id?: string;
  event_id?: string;
}

/**
 * The correlation fields of a log line, from the work under way: the active span's ids when
 * tracing runs, otherwise the trace id that came in with the request or event; the order
 * and event from `LogContext`. Called by pino for every line, so it only reads.
 */
export function correlationFields(): CorrelationFields {
  const fields: CorrelationFields = {};
  const scope = LogContext.current();
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    fields.trace_id = span.traceId;
    fields.span_id = span.spanId;
  } else if (scope?.traceparent) {
    fields.trace_id = traceIdOf(scope.traceparent);
  }
  if (scope?.order_id) fields.order_id = scope.order_id;
  if (scope?.event_id) fields.event_id = scope.event_id;
  return fields;
}
