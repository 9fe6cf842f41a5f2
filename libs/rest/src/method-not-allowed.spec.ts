import type { NextFunction, Request, Response } from 'express';
import { methodNotAllowed } from './method-not-allowed';

function answer(method: string, path: string, cors = false) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown; passed?: boolean } = { headers: {} };
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    type() {
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  const routes = [
    { path: '/orders', methods: ['get', 'post'] },
    { path: '/orders/{id}', methods: ['get'] },
    { path: '/orders/{id}/cancel', methods: ['post'] },
  ];
  methodNotAllowed(routes, { cors })({ method, path } as Request, response, (() => (sent.passed = true)) as NextFunction);
  return sent;
}

describe('methodNotAllowed', () => {
  it('answers 405 with Allow for a path that has other methods', () => {
    expect(answer('DELETE', '/orders/0b8f')).toMatchObject({
      status: 405,
      headers: { Allow: 'GET, HEAD' },
      body: { status: 405, title: 'Method Not Allowed' },
    });
    expect(answer('GET', '/orders/0b8f/cancel')).toMatchObject({ status: 405, headers: { Allow: 'POST' } });
  });

  it('lets the methods a path has, unknown paths and (with CORS) preflights through', () => {
    expect(answer('POST', '/orders').passed).toBe(true);
    expect(answer('HEAD', '/orders/0b8f').passed).toBe(true);
    expect(answer('GET', '/nowhere').passed).toBe(true);
    expect(answer('OPTIONS', '/orders', true).passed).toBe(true);
    expect(answer('OPTIONS', '/orders').status).toBe(405);
  });
});
