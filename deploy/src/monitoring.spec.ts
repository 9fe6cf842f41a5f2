import { checkPromql } from '@orderflow/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { K8sObject, render } from './helm.cli';
import { schemaErrors } from './manifest.schema';
import { alertGroups, dashboard, declaredSeries, MONITORING_DIR, monitoredMetrics, monitoringExpressions } from './monitoring.files';
import { SERVICES } from './service.catalog';
import { ROOT } from './workspace.paths';

/** The anchors GitHub gives the `##` headings of a Markdown file. */
const anchors = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/^##+ (.+)$/gm)].map(([, title]) =>
      title
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );

/**
 * The dashboard and the alerting rules shipped with the chart, checked offline: valid files,
 * PromQL that Prometheus's own grammar parses, only metrics the services register, a runbook
 * for every alert — and the chart provisioning them when asked to.
 */
describe('monitoring shipped with the chart', () => {
  describe('alerting rules (files/monitoring/alerts.yaml)', () => {
    const rules = alertGroups().flatMap((group) => group.rules);
    const runbooks = anchors(readFileSync(join(ROOT, 'docs/runbooks.md'), 'utf8'));

    it('cover consumer lag, the outbox, dead letters, orders stuck PENDING and the error rate', () => {
      const exprs = rules.map((r) => r.expr).join('\n');
      for (const metric of [
        'orderflow_consumer_lag',
        'orderflow_outbox_oldest_event_age_seconds',
        'orderflow_messages_dead_lettered_total',
        'orderflow_orders_pending_oldest_age_seconds',
        'http_requests_total',
      ]) {
        expect([metric, exprs.includes(metric)]).toEqual([metric, true]);
      }
    });

    it.each(rules.map((r) => [r.alert, r] as const))('%s is a well-formed rule with a runbook', (_, rule) => {
      expect(rule.alert).toMatch(/^Orderflow[A-Z][A-Za-z]+$/);
      expect(checkPromql(rule.expr).errors).toEqual([]);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toEqual(expect.any(String));
      expect(rule.annotations.description).toEqual(expect.any(String));
      const [file, anchor] = rule.annotations.runbook_url.split('#');
      expect(file).toBe('docs/runbooks.md');
      expect(runbooks).toContain(anchor);
      // Templates in annotations may only use labels the expression keeps.
      for (const [, label] of JSON.stringify(rule.annotations).matchAll(/\$labels\.([a-z_]+)/g)) {
        expect([label, rule.expr.includes(label)]).toEqual([label, true]);
      }
    });

    it('have unique names', () => {
      expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    });
  });

  describe('Grafana dashboard (files/monitoring/dashboard.json)', () => {
    it('is a dashboard with a Prometheus data source variable and unique panel ids', () => {
      const board = dashboard();
      expect(board.uid).toBe('orderflow-pipeline');
      expect(board.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
      expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
      for (const panel of board.panels.filter((p) => p.type !== 'row')) {
        expect([panel.title, panel.datasource?.uid]).toEqual([panel.title, '${datasource}']);
        expect([panel.title, (panel.targets ?? []).length > 0]).toEqual([panel.title, true]);
      }
    });

    it('shows the funnel, latencies, lag, the outbox and dead letters', () => {
      const metrics = monitoredMetrics();
      for (const metric of [
        'orderflow_orders_placed_total',
        'orderflow_order_pending_duration_seconds_bucket',
        'orderflow_consumer_lag',
        'orderflow_outbox_backlog',
        'orderflow_messages_dead_lettered_total',
      ]) {
        expect([metric, metrics.has(metric)]).toEqual([metric, true]);
      }
    });
  });

  it('evaluate only PromQL that parses, over metrics the services register', () => {
    const declared = declaredSeries();
    for (const { where, expr } of monitoringExpressions()) {
      const { metrics, errors } = checkPromql(expr);
      expect([where, errors]).toEqual([where, []]);
      for (const metric of metrics) expect([where, metric, declared.has(metric)]).toEqual([where, metric, true]);
    }
  });

  describe('the chart with metrics.serviceMonitor, prometheusRule and grafanaDashboard enabled', () => {
    let objects: K8sObject[];
    const kind = (k: string) => objects.filter((o) => o.kind === k);

    beforeAll(() => {
      objects = render({
        set: [
          'metrics.serviceMonitor.enabled=true',
          'metrics.prometheusRule.enabled=true',
          'metrics.prometheusRule.runbookBaseUrl=https://git.example.com/orderflow/blob/main/',
          'metrics.grafanaDashboard.enabled=true',
        ],
      });
    });

    it('renders objects valid against their schemas (Kubernetes and Prometheus Operator)', () => {
      expect(objects.flatMap(schemaErrors)).toEqual([]);
    });

    it('scrapes every service at /metrics on its http port', () => {
      const services = kind('Service');
      expect(kind('ServiceMonitor')).toHaveLength(SERVICES.length);
      for (const monitor of kind('ServiceMonitor')) {
        const spec = monitor['spec'] as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
        const selected = services.filter((s) => Object.entries(spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
        expect(selected).toHaveLength(1);
        expect(spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
      }
    });

    it('ships the alerting rules as they are, with absolute runbook links', () => {
      const [rule] = kind('PrometheusRule');
      const groups = (rule['spec'] as { groups: { rules: { annotations: Record<string, string> }[] }[] }).groups;
      const expected = alertGroups();
      for (const group of expected) {
        for (const r of group.rules) r.annotations.runbook_url = `https://git.example.com/orderflow/blob/main/${r.annotations.runbook_url}`;
      }
      expect(groups).toEqual(expected);
    });

    it('provisions the dashboard for the Grafana sidecar', () => {
      const map = kind('ConfigMap').find((c) => c.metadata.labels?.['grafana_dashboard'] === '1');
      const data = map?.['data'] as Record<string, string>;
      expect(JSON.parse(data['orderflow-dashboard.json'])).toEqual(dashboard());
    });
  });

  it('annotates the pods for annotation-based scraping, and adds no CRD objects unless asked', () => {
    const objects = render({});
    expect(objects.filter((o) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind))).toEqual([]);
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      const annotations = (deployment['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
        .annotations;
      expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' });
    }
    expect(parse(readFileSync(join(MONITORING_DIR, 'alerts.yaml'), 'utf8'))).toHaveProperty('groups');
  });

  it('sends traces only when tracing.otlpEndpoint is set, and then lets the pods reach the collector', () => {
    const configOf = (objects: K8sObject[]) =>
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'orderflow-order-api')?.['data'] as Record<string, string>;
    const egressPorts = (objects: K8sObject[]) =>
      (
        (
          objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orderflow-order-api')?.['spec'] as {
            egress: { ports: { port: number }[] }[];
          }
        ).egress ?? []
      ).flatMap((rule) => rule.ports.map((p) => p.port));

    const off = render({});
    expect(Object.keys(configOf(off)).filter((key) => key.startsWith('OTEL_'))).toEqual([]);
    expect(egressPorts(off)).not.toContain(4318);

    const on = render({ set: ['tracing.otlpEndpoint=http://otel-collector.observability:4318'] });
    expect(configOf(on)).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    expect(egressPorts(on)).toContain(4318);
    expect(on.flatMap(schemaErrors)).toEqual([]);
  });
});
