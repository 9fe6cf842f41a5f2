import { context, diag, DiagLogLevel, propagation, trace, type DiagLogger, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { NodeSDK } from '@opentelemetry/sdk-node';

type Env = Record<string, string | undefined>;

/** Requests that say nothing about an order: probes and scrapes every few seconds. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

let sdk: NodeSDK | undefined;
/** A provider given by `traceWith` instead of the SDK. */
let provider: TracerProvider | undefined;

/**
 * True when the standard `OTEL_*` variables name somewhere to send spans: an OTLP endpoint,
 * or an explicit exporter other than `none`. Without one, tracing is not started at all, so
 * it costs nothing: no instrumentation patches a module, and every span the code asks for
 * is the API's no-op.
 */
export function tracingConfigured(env: Env = process.env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (exporters.includes('none')) return false;
  if (exporters.length > 0) return true;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/**
 * Starts the OpenTelemetry Node SDK for `service` when an exporter is configured. Must run
 * before Nest, Express and the MongoDB driver are loaded, so that the instrumentations can
 * patch them: each app imports its `tracing.ts` first thing in `main.ts`.
 *
 * Everything else comes from the standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_TRACES_SAMPLER`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_SERVICE_NAME`, ...). Kafka spans are made by `@orderflow/messaging` itself (see
 * docs/adr/0005-one-trace-per-order.md); logs and metrics are not sent over OTLP.
 */
export function startTracing(service: string, env: Env = process.env): boolean {
  if (sdk || !tracingConfigured(env)) return sdk !== undefined;
  diag.setLogger(stderrDiag(service), DiagLogLevel.WARN);
  sdk = new NodeSDK({
    ...(env['OTEL_SERVICE_NAME'] ? {} : { serviceName: service }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      new ExpressInstrumentation(),
      new NestInstrumentation(),
      new MongoDBInstrumentation(),
    ],
    logRecordProcessors: [],
  });
  sdk.start();
  return true;
}

/** True once `startTracing` (or `traceWith`) started tracing in this process. */
export function tracingStarted(): boolean {
  return sdk !== undefined || provider !== undefined;
}

/**
 * Traces into `tracerProvider` instead of the SDK's exporters — for tests that read spans
 * from an in-memory exporter. Registers the same AsyncLocalStorage context manager the SDK
 * and W3C propagator the SDK would; `undefined` turns it off again.
 */
export function traceWith(tracerProvider: TracerProvider | undefined): void {
  provider = tracerProvider;
  trace.disable();
  context.disable();
  propagation.disable();
  if (tracerProvider) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
  }
}

/** Sends the spans still buffered; called when the app closes. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}

/** The tracer for spans this project makes itself. */
export const tracer = () => trace.getTracer('orderflow');

/** The SDK's own warnings (an unreachable collector) as one line on stderr. */
function stderrDiag(service: string): DiagLogger {
  const write =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      process.stderr.write(`${JSON.stringify({ level, service, msg: `opentelemetry: ${message}`, args: args.map(String) })}\n`);
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug'), verbose: write('trace') };
}
