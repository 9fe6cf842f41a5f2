/** What one schemathesis run against one service did, from its NDJSON event report. */
export interface FuzzSummary {
  service: string;
  operations: number;
  requests: number;
  /** Distinct failures: (operation, check, title). */
  failures: number;
  /** Scenarios schemathesis itself could not run (internal errors). */
  errors: number;
  /** Requests sent to each operation (`METHOD /path`), over every phase. */
  requestsByOperation: Record<string, number>;
  /**
   * Requests of the stateful phase made by following a link (schemathesis' transition id,
   * `POST /orders -> [202] GetOrder -> GET /orders/{id}`), and how many were answered 2xx:
   * those reached an object that exists.
   */
  links: Record<string, { requests: number; reached: number }>;
  /**
   * Requests (of any phase) whose parameters schemathesis drew from what an earlier answer
   * created (its resource pool: an order id from a 202 of `POST /orders`), and how many
   * found that object (any answer but 404: a cancel refused with 409 found the order too).
   */
  drawn: { requests: number; reached: number };
}

interface CaseNode {
  value?: { method?: string; path?: string; meta?: { pool_draws?: { source_status?: number }[] | null } };
  transition?: { id?: string } | null;
}

interface Recorder {
  label?: string;
  cases?: Record<string, CaseNode>;
  interactions?: Record<string, { response?: { status_code?: number } | null }>;
  checks?: Record<string, { name?: string; status?: string; failure_info?: { failure?: { title?: string } } }[]>;
}

export function summarize(service: string, ndjson: string): FuzzSummary {
  const operations = new Set<string>();
  const failures = new Set<string>();
  const requestsByOperation: Record<string, number> = {};
  const links: FuzzSummary['links'] = {};
  const drawn = { requests: 0, reached: 0 };
  let requests = 0;
  let errors = 0;
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const scenario = (JSON.parse(line) as { ScenarioFinished?: { status?: string; recorder?: Recorder } }).ScenarioFinished;
    if (!scenario?.recorder) continue;
    const { label, cases, interactions, checks } = scenario.recorder;
    if (scenario.status === 'error') errors++;
    // Operations are "METHOD /path"; the stateful phase reports itself under a label of its own.
    if (label && /^[A-Z]+ \//.test(label) && scenario.status !== 'skip') operations.add(label);
    for (const [id, interaction] of Object.entries(interactions ?? {})) {
      requests++;
      const value = cases?.[id]?.value;
      const operation = value?.method && value.path ? `${value.method.toUpperCase()} ${value.path}` : label;
      if (operation) requestsByOperation[operation] = (requestsByOperation[operation] ?? 0) + 1;
      const status = interaction.response?.status_code ?? 0;
      const fromAnswers = (value?.meta?.pool_draws ?? []).some(
        (draw) => (draw.source_status ?? 0) >= 200 && (draw.source_status ?? 0) < 300,
      );
      if (fromAnswers) {
        drawn.requests++;
        if (status > 0 && status !== 404 && status < 500) drawn.reached++;
      }
      const transition = cases?.[id]?.transition?.id;
      if (transition) {
        const link = (links[transition] ??= { requests: 0, reached: 0 });
        link.requests++;
        if (status >= 200 && status < 300) link.reached++;
      }
    }
    for (const list of Object.values(checks ?? {})) {
      for (const check of list) {
        if (check.status === 'failure') failures.add(`${label} ${check.name} ${check.failure_info?.failure?.title ?? ''}`);
      }
    }
  }
  return { service, operations: operations.size, requests, failures: failures.size, errors, requestsByOperation, links, drawn };
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, { links?: Record<string, unknown> }> }>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of an OpenAPI document, as `METHOD /path`. */
export function documentedOperations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

export interface DocumentedLink {
  /** The operation whose answer carries the link, `METHOD /path`. */
  from: string;
  status: string;
  name: string;
}

/** The OpenAPI links of a document. */
export function documentedLinks(document: OpenApiDocument): DocumentedLink[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((m) =>
      Object.entries(item[m]?.responses ?? {}).flatMap(([status, response]) =>
        Object.keys(response.links ?? {}).map((name) => ({ from: `${m.toUpperCase()} ${path}`, status, name })),
      ),
    ),
  );
}

/**
 * Why a run did not reach what it should have, empty when it did: an operation of the
 * document that got no request at all (every phase skipped it, or generation gave up), and,
 * for a document with links, a run that never reached an object an earlier answer created:
 * neither by following a link to a 2xx, nor with an id drawn from such an answer.
 */
export function reachProblems(summary: FuzzSummary, document: OpenApiDocument): string[] {
  const problems = documentedOperations(document)
    .filter((operation) => !((summary.requestsByOperation[operation] ?? 0) > 0))
    .map((operation) => `${operation} made no request`);
  const followed = Object.values(summary.links).some((link) => link.reached > 0);
  if (documentedLinks(document).length > 0 && !followed && summary.drawn.reached === 0) {
    problems.push('the run reached no object an earlier answer created (no link followed to a 2xx, no drawn id found)');
  }
  return problems;
}

/** Each documented link with the requests that followed it and how many of them reached an object (2xx). */
export function linkCoverage(summary: FuzzSummary, document: OpenApiDocument): { link: string; requests: number; reached: number }[] {
  return documentedLinks(document).map(({ from, status, name }) => {
    // schemathesis names a transition `POST /orders -> [202] GetOrder -> GET /orders/{id}`.
    const prefix = `${from} -> [${status}] ${name} -> `;
    const followed = Object.entries(summary.links).filter(([id]) => id.startsWith(prefix));
    return {
      link: `${from} [${status}] ${name}`,
      requests: followed.reduce((sum, [, l]) => sum + l.requests, 0),
      reached: followed.reduce((sum, [, l]) => sum + l.reached, 0),
    };
  });
}
