import { parser } from '@prometheus-io/lezer-promql';

/** What a PromQL expression selects, and where the Prometheus project's own grammar finds it broken. */
export interface PromqlCheck {
  /** Metric names of its vector selectors, e.g. `orderflow_consumer_lag`, `x_bucket`. */
  metrics: string[];
  /** Offsets of syntax errors; empty when the expression parses. */
  errors: number[];
}

/**
 * Parses PromQL with `@prometheus-io/lezer-promql`, the grammar Prometheus's own UI uses.
 * Grafana's `$__rate_interval` and friends are replaced by a duration first.
 */
export function checkPromql(expr: string): PromqlCheck {
  const plain = expr.replace(/\$__(rate_interval|interval|range)/g, '5m');
  const metrics = new Set<string>();
  const errors: number[] = [];
  parser.parse(plain).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.add(plain.slice(node.from, node.to));
    },
  });
  return { metrics: [...metrics], errors };
}

/** The metric family a series name belongs to: histograms expose `_bucket`, `_sum` and `_count`. */
export function metricFamily(series: string, histograms: ReadonlySet<string>): string {
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return base !== series && histograms.has(base) ? base : series;
}
