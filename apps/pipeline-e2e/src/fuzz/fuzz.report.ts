/** What one schemathesis run against one service did, from its NDJSON event report. */
export interface FuzzSummary {
  service: string;
  operations: number;
  requests: number;
  /** Distinct failures: (operation, check, title). */
  failures: number;
  /** Scenarios schemathesis itself could not run (internal errors). */
  errors: number;
}

interface Recorder {
  label?: string;
  interactions?: Record<string, unknown>;
  checks?: Record<string, { name?: string; status?: string; failure_info?: { failure?: { title?: string } } }[]>;
}

export function summarize(service: string, ndjson: string): FuzzSummary {
  const operations = new Set<string>();
  const failures = new Set<string>();
  let requests = 0;
  let errors = 0;
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const scenario = (JSON.parse(line) as { ScenarioFinished?: { status?: string; recorder?: Recorder } }).ScenarioFinished;
    if (!scenario?.recorder) continue;
    const { label, interactions, checks } = scenario.recorder;
    if (scenario.status === 'error') errors++;
    // Operations are "METHOD /path"; the stateful phase reports itself under a label of its own.
    if (label && /^[A-Z]+ \//.test(label) && scenario.status !== 'skip') operations.add(label);
    requests += Object.keys(interactions ?? {}).length;
    for (const list of Object.values(checks ?? {})) {
      for (const check of list) {
        if (check.status === 'failure') failures.add(`${label} ${check.name} ${check.failure_info?.failure?.title ?? ''}`);
      }
    }
  }
  return { service, operations: operations.size, requests, failures: failures.size, errors };
}
