import { linkCoverage, reachProblems, summarize } from './fuzz.report';

const event = (status: string, label: string, checks: Record<string, { name: string; status: string; title?: string }[]>) =>
  JSON.stringify({
    ScenarioFinished: {
      status,
      recorder: {
        label,
        interactions: Object.fromEntries(Object.keys(checks).map((id) => [id, {}])),
        checks: Object.fromEntries(
          Object.entries(checks).map(([id, list]) => [
            id,
            list.map((c) => ({ name: c.name, status: c.status, failure_info: c.title ? { failure: { title: c.title } } : undefined })),
          ]),
        ),
      },
    },
  });

describe('summarize', () => {
  it('counts operations, requests, distinct failures and errors of a schemathesis report', () => {
    const ndjson = [
      JSON.stringify({ Initialize: {} }),
      event('success', 'GET /orders', {
        a: [{ name: 'not_a_server_error', status: 'success' }],
        b: [{ name: 'not_a_server_error', status: 'success' }],
      }),
      event('failure', 'POST /orders', {
        c: [{ name: 'positive_data_acceptance', status: 'failure', title: 'Schema-valid request rejected' }],
        d: [{ name: 'positive_data_acceptance', status: 'failure', title: 'Schema-valid request rejected' }],
      }),
      event('error', 'PUT /products/{sku}', {}),
      event('skip', 'GET /health/live', {}),
      event('success', 'Stateful tests', { e: [{ name: 'not_a_server_error', status: 'success' }] }),
      '',
    ].join('\n');
    expect(summarize('order-api', ndjson)).toMatchObject({ service: 'order-api', operations: 3, requests: 5, failures: 1, errors: 1 });
  });
});

/** A stateful scenario as schemathesis reports it: each case with its operation, the link it followed (if any) and the status it got. */
const stateful = (steps: { method: string; path: string; status: number; link?: string; drawnFrom?: number }[]) =>
  JSON.stringify({
    ScenarioFinished: {
      status: 'success',
      phase: 'stateful',
      recorder: {
        label: 'Stateful tests',
        cases: Object.fromEntries(
          steps.map((step, i) => [
            `s${i}`,
            {
              value: {
                method: step.method,
                path: step.path,
                meta: { pool_draws: step.drawnFrom ? [{ source_operation: 'POST /orders', source_status: step.drawnFrom }] : [] },
              },
              parent_id: null,
              transition: step.link ? { id: step.link, is_inferred: false } : null,
            },
          ]),
        ),
        interactions: Object.fromEntries(
          steps.map((step, i) => [`s${i}`, { request: { method: step.method }, response: { status_code: step.status } }]),
        ),
        checks: {},
      },
    },
  });

const GET_ORDER = 'POST /orders -> [202] GetOrder -> GET /orders/{id}';
const CANCEL = 'POST /orders -> [202] CancelOrder -> POST /orders/{id}/cancel';

/** The orders part of order-api's document: three operations, POST's answer linking to two. */
const DOCUMENT = {
  paths: {
    '/orders': { post: { responses: { '202': { links: { GetOrder: {}, CancelOrder: {} } }, '403': {} } } },
    '/orders/{id}': { get: { responses: { '200': {} } } },
    '/orders/{id}/cancel': { post: { responses: { '200': {} } } },
  },
};

describe('what a fuzz run reached', () => {
  const reachingEverything = [
    event('success', 'POST /orders', { a: [] }),
    event('success', 'GET /orders/{id}', { b: [] }),
    stateful([
      { method: 'POST', path: '/orders', status: 202 },
      { method: 'GET', path: '/orders/{id}', status: 200, link: GET_ORDER },
      { method: 'POST', path: '/orders/{id}/cancel', status: 200, link: CANCEL },
    ]),
    stateful([
      { method: 'POST', path: '/orders', status: 403 },
      { method: 'GET', path: '/orders/{id}', status: 404, link: GET_ORDER },
    ]),
  ].join('\n');

  it('counts requests per operation over every phase, and the stateful requests that followed each link', () => {
    const summary = summarize('order-api', reachingEverything);
    expect(summary.requestsByOperation).toEqual({ 'POST /orders': 3, 'GET /orders/{id}': 3, 'POST /orders/{id}/cancel': 1 });
    expect(summary.links).toEqual({ [GET_ORDER]: { requests: 2, reached: 1 }, [CANCEL]: { requests: 1, reached: 1 } });
    expect(reachProblems(summary, DOCUMENT)).toEqual([]);
    expect(linkCoverage(summary, DOCUMENT)).toEqual([
      { link: 'POST /orders [202] GetOrder', requests: 2, reached: 1 },
      { link: 'POST /orders [202] CancelOrder', requests: 1, reached: 1 },
    ]);
  });

  it('fails an operation of the document that made no request (a skipped one included)', () => {
    const ndjson = [
      event('success', 'POST /orders', { a: [] }),
      event('skip', 'POST /orders/{id}/cancel', {}),
      stateful([
        { method: 'POST', path: '/orders', status: 202 },
        { method: 'GET', path: '/orders/{id}', status: 200, link: GET_ORDER },
      ]),
    ].join('\n');
    expect(reachProblems(summarize('order-api', ndjson), DOCUMENT)).toEqual(['POST /orders/{id}/cancel made no request']);
  });

  it('fails a run whose links were never followed to a 2xx: only random ids, or no stateful phase', () => {
    const only404 = [
      event('success', 'POST /orders', { a: [] }),
      event('success', 'GET /orders/{id}', { b: [] }),
      event('success', 'POST /orders/{id}/cancel', { c: [] }),
      stateful([
        { method: 'POST', path: '/orders', status: 403 },
        { method: 'GET', path: '/orders/{id}', status: 404, link: GET_ORDER },
      ]),
    ];
    const problem = 'the run reached no object an earlier answer created (no link followed to a 2xx, no drawn id found)';
    expect(reachProblems(summarize('order-api', only404.join('\n')), DOCUMENT)).toEqual([problem]);
    expect(reachProblems(summarize('order-api', only404.slice(0, 3).join('\n')), DOCUMENT)).toEqual([problem]);
  });

  it('counts an id drawn from an earlier 2xx as reaching its object unless the answer is 404', () => {
    const ndjson = [
      event('success', 'POST /orders', { a: [] }),
      event('success', 'GET /orders/{id}', { b: [] }),
      event('success', 'POST /orders/{id}/cancel', { c: [] }),
      stateful([
        { method: 'POST', path: '/orders/{id}/cancel', status: 409, drawnFrom: 202 },
        { method: 'POST', path: '/orders/{id}/cancel', status: 404, drawnFrom: 202 },
        { method: 'POST', path: '/orders/{id}/cancel', status: 404 },
      ]),
    ].join('\n');
    const summary = summarize('order-api', ndjson);
    expect(summary.drawn).toEqual({ requests: 2, reached: 1 });
    expect(reachProblems(summary, DOCUMENT)).toEqual([]);
  });

  it('asks no link of a document without any', () => {
    const document = { paths: { '/customers/{id}/points': { get: { responses: { '200': {} } } } } };
    expect(reachProblems(summarize('points-service', event('success', 'GET /customers/{id}/points', { a: [] })), document)).toEqual([]);
  });
});
