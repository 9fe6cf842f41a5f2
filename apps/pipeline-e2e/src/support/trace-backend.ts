import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/** One span as the assertions need it, whichever backend stored it. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: string;
  attributes: Record<string, unknown>;
  events: string[];
}

/** Where the services send spans, and how the test reads one trace back. */
export interface TraceBackend {
  readonly name: string;
  /** `OTEL_*` variables that make a service export to this backend. */
  readonly env: Record<string, string>;
  trace(traceId: string): Promise<StoredSpan[]>;
  close(): Promise<void>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));
const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/**
 * An OTLP/HTTP receiver (JSON encoding) inside the test process: what the services export
 * over the wire, kept in memory. Used when no trace backend runs locally.
 */
export async function otlpReceiver(): Promise<TraceBackend> {
  const spans: StoredSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
        };
        for (const resourceSpans of payload.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({
                traceId: span['traceId'] as string,
                spanId: span['spanId'] as string,
                parentSpanId: (span['parentSpanId'] as string) || undefined,
                name: span['name'] as string,
                service,
                kind: KINDS[Number(span['kind'] ?? 0)] ?? String(span['kind']),
                attributes: attributesOf(span['attributes'] as OtlpAttribute[]),
                events: ((span['events'] as { name: string }[]) ?? []).map((e) => e.name),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'an OTLP receiver in the test process',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    trace: async (traceId) => spans.filter((s) => s.traceId === traceId),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const INFRA_ENV = join(__dirname, '../../../../.infra/env');

/** Jaeger's addresses when `npm run infra -- up --observability` started it (or JAEGER_* are set). */
export function localJaeger(): { otlp: string; query: string } | undefined {
  let { JAEGER_OTLP_HTTP_URL: otlp, JAEGER_QUERY_URL: query } = process.env;
  if ((!otlp || !query) && existsSync(INFRA_ENV)) {
    const env = Object.fromEntries(
      readFileSync(INFRA_ENV, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    otlp ??= env['JAEGER_OTLP_HTTP_URL'];
    query ??= env['JAEGER_QUERY_URL'];
  }
  return otlp && query ? { otlp, query } : undefined;
}

type JaegerSpan = {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  logs: { fields: { key: string; value: unknown }[] }[];
};

/** A real Jaeger: spans go to its OTLP/HTTP receiver; the trace is read from its query API. */
export async function jaegerBackend(jaeger: { otlp: string; query: string }): Promise<TraceBackend> {
  return {
    name: `Jaeger at ${jaeger.query}`,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlp, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    async trace(traceId) {
      const response = await fetch(`${jaeger.query}/api/traces/${traceId}`);
      if (response.status === 404) return [];
      if (response.status !== 200) throw new Error(`Jaeger answered ${response.status} for trace ${traceId}`);
      const { data } = (await response.json()) as { data: { spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> }[] };
      return data.flatMap((t) =>
        t.spans.map((span) => {
          const tags = Object.fromEntries(span.tags.map((tag) => [tag.key, tag.value]));
          return {
            traceId: span.traceID,
            spanId: span.spanID,
            parentSpanId: span.references.find((r) => r.refType === 'CHILD_OF')?.spanID,
            name: span.operationName,
            service: t.processes[span.processID]?.serviceName ?? '',
            kind: String(tags['span.kind'] ?? '').toUpperCase(),
            attributes: tags,
            events: span.logs.map((log) => String(log.fields.find((f) => f.key === 'event')?.value ?? '')),
          };
        }),
      );
    },
    close: async () => undefined,
  };
}
