import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpPoster } from './http.post';

describe('HttpPoster', () => {
  let server: Server;
  let url: string;
  /** Requests the server saw, and which of them it cut off without an answer. */
  let seen: { body: string; cut: boolean }[];
  /** Whether the server cuts off a request: given the request's position on its connection. */
  let cutOff: (onConnection: number) => boolean;

  beforeEach(async () => {
    seen = [];
    const perSocket = new WeakMap<object, number>();
    server = createServer((request, response) => {
      const n = (perSocket.get(request.socket) ?? 0) + 1;
      perSocket.set(request.socket, n);
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const cut = cutOff(n);
        seen.push({ body, cut });
        if (cut) request.socket.destroy();
        else response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a request again, once, on a new connection when a kept-alive one is closed under it', async () => {
    cutOff = (onConnection) => onConnection === 2;
    const poster = new HttpPoster();
    try {
      expect(await poster.post(url, {}, 'first')).toEqual({ status: 202, body: '{"got":"first"}' });
      expect(await poster.post(url, {}, 'second')).toEqual({ status: 202, body: '{"got":"second"}' });
      expect(seen).toEqual([
        { body: 'first', cut: false },
        { body: 'second', cut: true },
        { body: 'second', cut: false },
      ]);
    } finally {
      poster.close();
    }
  });

  it('answers status 0, without sending again, when a new connection is cut off', async () => {
    cutOff = () => true;
    const poster = new HttpPoster();
    try {
      expect(await poster.post(url, {}, 'only')).toEqual({ status: 0, body: '' });
      expect(seen).toEqual([{ body: 'only', cut: true }]);
    } finally {
      poster.close();
    }
  });
});
