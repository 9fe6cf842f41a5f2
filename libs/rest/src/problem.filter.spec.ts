import { ArgumentsHost, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ProblemException } from './problem.exception';
import { ProblemFilter } from './problem.filter';
import { ValidationProblem } from './validation.problem';

class StockError extends Error {
  readonly code = 'INSUFFICIENT_STOCK';
}

function answer(error: unknown) {
  const sent: { status?: number; type?: string; body?: unknown; headers?: Record<string, string> } = {};
  const response = {
    setHeader(name: string, value: string) {
      sent.headers = { ...sent.headers, [name]: value };
      return this;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(type: string) {
      sent.type = type;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ProblemFilter({ INSUFFICIENT_STOCK: 409 }).catch(error, host);
  return sent;
}

describe('ProblemFilter', () => {
  it('answers validation problems with every bad field', () => {
    const sent = answer(new ValidationProblem([{ field: 'items[0].quantity', message: 'too small' }]));
    expect(sent).toEqual({
      status: 400,
      type: 'application/problem+json',
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is invalid.',
        errors: [{ field: 'items[0].quantity', message: 'too small' }],
      },
    });
  });

  it('maps a domain error by its code', () => {
    expect(answer(new StockError('only 2 left')).body).toMatchObject({ status: 409, title: 'Conflict', detail: 'only 2 left' });
  });

  it('turns Nest HTTP exceptions into problems', () => {
    expect(answer(new NotFoundException('no such order')).body).toMatchObject({ status: 404, detail: 'no such order' });
  });

  it('keeps a body an exception brought along, such as the health report', () => {
    const report = { status: 'error', error: { mongodb: { status: 'down' } } };
    expect(answer(new ServiceUnavailableException(report))).toEqual({ status: 503, body: report });
  });

  it('answers body-parser refusals with their status', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' });
    expect(answer(tooLarge).body).toMatchObject({ status: 413, detail: 'The request body is larger than 64 KiB.' });
  });

  it('hides anything unexpected behind a bare 500', () => {
    const sent = answer(new Error('connection string mongodb://secret@db'));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('secret');
  });

  it('sends the headers a problem brings along, such as WWW-Authenticate', () => {
    const sent = answer(new ProblemException(401, 'A bearer token is required.', { 'WWW-Authenticate': 'Bearer realm="orderflow"' }));
    expect(sent).toEqual({
      status: 401,
      type: 'application/problem+json',
      headers: { 'WWW-Authenticate': 'Bearer realm="orderflow"' },
      body: { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A bearer token is required.' },
    });
  });
});
