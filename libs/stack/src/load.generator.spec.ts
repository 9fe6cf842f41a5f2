import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeRefusals, LoadGenerator, refusedCount } from './load.generator';
import type { OrderPlan } from './order.mix';

/**
 * An order intake on loopback that answers each order as its customer id says: `ok-…` 202
 * with an id, `s429-…` 429, `s500-…` 500, `s400-…` 400, `drop-…` closes the connection
 * without an answer.
 */
function fakeIntake(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const { customerId } = JSON.parse(raw) as { customerId: string };
      if (customerId.startsWith('drop-')) return request.socket.destroy();
      const status = customerId.startsWith('ok-') ? 202 : Number(customerId.slice(1, 4));
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status === 202 ? { id: `order-${customerId}` } : { status }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const plan = (customerId: string): OrderPlan => ({ customerId, items: [{ sku: 'SKU-1', quantity: 1 }] });
const plans = [...['ok-1', 'ok-2', 'ok-3'], ...['s429-1', 's429-2'], 's500-1', 's400-1', 'drop-1'].map(plan);

describe('LoadGenerator counts the orders the API refused', () => {
  let intake: { server: Server; url: string };
  beforeAll(async () => (intake = await fakeIntake()));
  afterAll(() => new Promise<void>((resolve) => intake.server.close(() => resolve())));

  it.each(['closed', 'open'] as const)('%s loop: every answer but 202 (and no answer at all) is a refusal, by status', async (loop) => {
    const generator = new LoadGenerator(intake.url, () => 'Bearer t');
    const result = loop === 'closed' ? await generator.closed(plans, 3) : await generator.open(plans, 1000);
    expect(result.accepted.map((a) => a.id).sort()).toEqual(['order-ok-1', 'order-ok-2', 'order-ok-3']);
    expect(result.failures).toEqual({ '429': 2, '500': 1, '400': 1, '0': 1 });
    expect(refusedCount(result.failures)).toBe(5);
    expect(result.accepted.length + refusedCount(result.failures)).toBe(plans.length);
  });

  it('counts an intake that is not there at all: every order is a refusal with no answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await new LoadGenerator(url, () => 'Bearer t').closed(plans.slice(0, 3), 2);
    expect(result.accepted).toEqual([]);
    expect(result.failures).toEqual({ '0': 3 });
  });
});

describe('describeRefusals', () => {
  it('names each answer with its count, most frequent first, and "no answer" for status 0', () => {
    expect(describeRefusals({ '500': 1, '429': 12, '0': 3 })).toBe('429 ×12, no answer ×3, 500 ×1');
  });

  it('says none when every order was accepted', () => {
    expect(describeRefusals({})).toBe('none');
    expect(refusedCount({})).toBe(0);
  });
});
