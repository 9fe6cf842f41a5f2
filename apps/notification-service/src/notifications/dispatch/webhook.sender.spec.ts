import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendError, type OutgoingNotification } from '../domain/notification.sender';
import { WebhookNotificationSender } from './webhook.sender';

const notification: OutgoingNotification = {
  id: '5a1c0f3e-9b7d-5c2e-8f41-3a6b2d9e0c17',
  orderId: '0b8f5a52-2c55-4f0e-9a53-7d6c9b1e4a10',
  customerId: 'c-1',
  kind: 'ORDER_CONFIRMED',
  channel: 'email',
  message: 'Your order is confirmed.',
};

interface Received {
  method?: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  raw: string;
}

/** A local HTTP endpoint that answers what `answer` says and records what it got. */
async function endpoint(answer: (res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method, headers: req.headers, body: body ? JSON.parse(body) : undefined, raw: body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, received, server };
}

/** The secret as Standard Webhooks writes it: `whsec_` and the base64 of its bytes. */
const SECRET_BYTES = Buffer.from('a secret of at least twenty-four bytes');
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;
const sender = (url: string, timeoutMs = 2_000) => new WebhookNotificationSender({ url, timeoutMs, secret: SECRET });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function failure(promise: Promise<unknown>): Promise<SendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SendError);
    return error as SendError;
  }
  throw new Error('expected the send to fail');
}

describe('WebhookNotificationSender', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => {
        server.closeAllConnections();
        return close(server);
      }),
    );
  });

  async function serve(answer: (res: ServerResponse) => void) {
    const result = await endpoint(answer);
    servers.push(result.server);
    return result;
  }

  it('POSTs the notification as JSON, with its id as the idempotency key', async () => {
    const { url, received } = await serve((res) => res.writeHead(204).end());
    await sender(url).send(notification);
    expect(received).toEqual([
      {
        method: 'POST',
        headers: expect.objectContaining({ 'content-type': 'application/json', 'idempotency-key': notification.id }),
        body: notification,
        raw: expect.any(String),
      },
    ]);
  });

  it('signs each request as Standard Webhooks do: HMAC-SHA256 over id, timestamp and body', async () => {
    const { url, received } = await serve((res) => res.writeHead(204).end());
    await sender(url).send(notification);
    const [{ headers, raw }] = received;
    expect(headers['webhook-id']).toBe(notification.id);
    const timestamp = Number(headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    const expected = createHmac('sha256', SECRET_BYTES)
      .update(`${notification.id}.${headers['webhook-timestamp']}.${raw}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('follows no redirect: the message goes nowhere else, and the attempt fails for good', async () => {
    const elsewhere = await serve((res) => res.writeHead(204).end());
    const { url } = await serve((res) => res.writeHead(307, { location: elsewhere.url }).end());
    const error = await failure(sender(url).send(notification));
    expect(error).toMatchObject({ retryable: false, message: 'webhook answered 307 Temporary Redirect; redirects are not followed' });
    expect(elsewhere.received).toEqual([]);
  });

  it('reads no more than a little of an answer, however much the endpoint sends', async () => {
    // An endpoint that accepts, then streams its answer without end.
    const { url } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    const started = Date.now();
    await sender(url, 5_000).send(notification);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([500, 503, 429, 408])('fails retryably when the endpoint answers %i', async (status) => {
    const { url } = await serve((res) => res.writeHead(status).end());
    const error = await failure(sender(url).send(notification));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(new RegExp(`^webhook answered ${status}`));
  });

  it.each([400, 404, 410])('fails for good when the endpoint refuses the message with %i', async (status) => {
    const { url } = await serve((res) => res.writeHead(status).end());
    const error = await failure(sender(url).send(notification));
    expect(error.retryable).toBe(false);
  });

  it('gives up on an endpoint that does not answer in time, retryably', async () => {
    const { url } = await serve(() => undefined);
    const started = Date.now();
    const error = await failure(sender(url, 200).send(notification));
    expect(error).toMatchObject({ retryable: true, message: 'webhook did not answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails retryably when nothing listens', async () => {
    const { url, server } = await serve((res) => res.end());
    await close(server);
    const error = await failure(sender(url).send(notification));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^webhook unreachable: /);
  });
});
