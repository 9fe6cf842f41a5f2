import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written while handling one request or one event names as fields:
 * what the work is about (the services put `order_id` and `event_id` here), and the W3C trace
 * context that arrived with it. Fields are snake_case because log pipelines (Loki,
 * Elasticsearch, Cloud Logging) match on them.
 */
export interface LogFields {
  /** The incoming `traceparent`, for trace ids on log lines while no tracer is running. */
  traceparent?: string;
  /** One field on every line, such as `order_id`. */
  [field: string]: string | undefined;
}

const storage = new AsyncLocalStorage<LogFields>();

/**
 * The log fields of the work under way, carried through `await`s by AsyncLocalStorage so
 * that code deep in a handler (a repository, a retry loop) needs no logger of its own.
 */
export const LogContext = {
  /** Runs `fn` with its own fields; whatever `fn` starts (promises, timers) sees them too. */
  run<T>(fields: LogFields, fn: () => T): T {
    return storage.run(fields, fn);
  },
  /** Adds fields to the current scope (e.g. the id of an order just created); no-op outside one. */
  assign(fields: LogFields): void {
    const current = storage.getStore();
    if (current) Object.assign(current, fields);
  },
  current(): LogFields | undefined {
    return storage.getStore();
  },
};
