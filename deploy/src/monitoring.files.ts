import { checkPromql } from '@orderflow/testing';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './workspace.paths';

export const MONITORING_DIR = join(ROOT, 'deploy/helm/orderflow/files/monitoring');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export const alertGroups = (): { name: string; rules: AlertRule[] }[] =>
  (parse(readFileSync(join(MONITORING_DIR, 'alerts.yaml'), 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }).groups;

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

export const dashboard = (): { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string }[] } } =>
  JSON.parse(readFileSync(join(MONITORING_DIR, 'dashboard.json'), 'utf8'));

/** Every PromQL expression the dashboard and the alerts evaluate, with where it is. */
export function monitoringExpressions(): { where: string; expr: string }[] {
  const fromAlerts = alertGroups().flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })));
  const fromDashboard = dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })));
  return [...fromAlerts, ...fromDashboard];
}

/** The metric names (series, e.g. `x_bucket`) the dashboard and alerts read. */
export const monitoredMetrics = (): Set<string> => new Set(monitoringExpressions().flatMap(({ expr }) => checkPromql(expr).metrics));

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'gen' ? [] : sources(path);
    return entry.endsWith('.ts') && !entry.endsWith('.spec.ts') ? [path] : [];
  });

/**
 * The metrics the services' code registers with prom-client — `new Counter|Gauge|Histogram({
 * name: '…' })` in apps/ and libs/ — as the series names Prometheus will see.
 */
export function declaredSeries(): Set<string> {
  const series = new Set<string>();
  for (const file of [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))]) {
    const text = readFileSync(file, 'utf8');
    for (const [, kind, name] of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name: '([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) {
      if (kind === 'Histogram') for (const suffix of ['_bucket', '_sum', '_count']) series.add(name + suffix);
      else series.add(name);
    }
  }
  return series;
}
