import { isSpanContextValid, trace } from '@opentelemetry/api';
import { traceIdOf } from '../tracing/trace.context';
import { LogContext } from './log.context';

export type CorrelationFields = Record<string, string>;

/**
 * The correlation fields of a log line, from the work under way: the active span's ids when
 * tracing runs, otherwise the trace id that came in with the request or event; whatever the
 * work is about from `LogContext` (`order_id`, `event_id`). Called by pino for every line,
 * so it only reads.
 */
export function correlationFields(): CorrelationFields {
  const fields: CorrelationFields = {};
  const scope = LogContext.current();
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    fields['trace_id'] = span.traceId;
    fields['span_id'] = span.spanId;
  } else if (scope?.traceparent) {
    fields['trace_id'] = traceIdOf(scope.traceparent);
  }
  for (const [name, value] of Object.entries(scope ?? {})) if (name !== 'traceparent' && value) fields[name] = value;
  return fields;
}
