import { fetchWithinRateLimits } from './rate-limit.retry';
import { serviceUrl, type ServiceName } from './services';

/** One sample of a Prometheus text exposition: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text format (the exposition every service serves at /metrics). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** What `service` answers at /metrics now. */
export async function scrape(service: ServiceName): Promise<Sample[]> {
  const response = await fetchWithinRateLimits(`${serviceUrl(service)}/metrics`);
  if (response.status !== 200) throw new Error(`${service} /metrics answered ${response.status}`);
  return parseMetrics(await response.text());
}

/** The sum of every series of `name` whose labels include `labels` (0 when there is none). */
export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/**
 * The series names a service can expose, from the `# TYPE` lines of its /metrics — so a
 * labelled counter that has not moved yet still counts — with `_bucket`, `_sum` and `_count`
 * for histograms.
 */
export async function exposedSeries(service: ServiceName): Promise<Set<string>> {
  const response = await fetchWithinRateLimits(`${serviceUrl(service)}/metrics`);
  const names = new Set<string>();
  for (const [, name, type] of (await response.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
