import { summarize } from './fuzz.report';

const event = (status: string, label: string, checks: Record<string, { name: string; status: string; title?: string }[]>) =>
  JSON.stringify({
    ScenarioFinished: {
      status,
      recorder: {
        label,
        interactions: Object.fromEntries(Object.keys(checks).map((id) => [id, {}])),
        checks: Object.fromEntries(
          Object.entries(checks).map(([id, list]) => [id, list.map((c) => ({ name: c.name, status: c.status, failure_info: c.title ? { failure: { title: c.title } } : undefined }))]),
        ),
      },
    },
  });

describe('summarize', () => {
  it('counts operations, requests, distinct failures and errors of a schemathesis report', () => {
    const ndjson = [
      JSON.stringify({ Initialize: {} }),
      event('success', 'GET /orders', { a: [{ name: 'not_a_server_error', status: 'success' }], b: [{ name: 'not_a_server_error', status: 'success' }] }),
      event('failure', 'POST /orders', {
        c: [{ name: 'positive_data_acceptance', status: 'failure', title: 'Schema-valid request rejected' }],
        d: [{ name: 'positive_data_acceptance', status: 'failure', title: 'Schema-valid request rejected' }],
      }),
      event('error', 'PUT /products/{sku}', {}),
      event('skip', 'GET /health/live', {}),
      event('success', 'Stateful tests', { e: [{ name: 'not_a_server_error', status: 'success' }] }),
      '',
    ].join('\n');
    expect(summarize('order-api', ndjson)).toEqual({ service: 'order-api', operations: 3, requests: 5, failures: 1, errors: 1 });
  });
});
