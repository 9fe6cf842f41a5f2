import { Body, Controller, HttpCode, type LoggerService, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import type { AddressInfo } from 'node:net';
import { bodyShape } from './body-shape.middleware';
import { MAX_BODY_DEPTH } from './body-shape.check';
import { RestModule } from './rest.module';

class Line {
  @IsString() sku!: string;
  @IsInt() quantity!: number;
}

class Order {
  @IsString() customerId!: string;
  @ValidateNested({ each: true })
  @Type(() => Line)
  items!: Line[];
}

const received: unknown[] = [];

@Controller('orders')
class OrdersController {
  @Post()
  @HttpCode(202)
  place(@Body() order: Order): { accepted: true } {
    received.push(order);
    return { accepted: true };
  }
}

@Module({ imports: [RestModule.forRoot({ errorStatuses: {} })], controllers: [OrdersController] })
class OrdersModule {}

/** Every line the app logs, by level: what an operator's alerts would see. */
const logged: { level: string; message: string }[] = [];
const logger: LoggerService = Object.fromEntries(
  ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'].map((level) => [
    level,
    (message: unknown) => logged.push({ level, message: String(message) }),
  ]),
) as unknown as LoggerService;

/**
 * The edge as runtime's bootstrap sets it up (JSON parser, then bodyShape, then the
 * validation pipe and problem filter of RestModule), over real HTTP.
 */
describe('bodyShape, in front of the validation pipe', () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(OrdersModule, { bodyParser: false, logger });
    app.useBodyParser('json', { limit: '64kb' });
    app.use(bodyShape());
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/orders`;
  });

  afterAll(() => app?.close());

  beforeEach(() => {
    received.length = 0;
    logged.length = 0;
  });

  async function post(text: string) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { errors?: unknown } };
  }

  const valid = '{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":2}]}';
  const withX = (value: string) => `${valid.slice(0, -1)},"x":${value}}`;
  const deep = {
    arrays: '['.repeat(5_000) + ']'.repeat(5_000),
    objects: '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  };

  it('accepts an ordinary body', async () => {
    expect((await post(valid)).status).toBe(202);
    expect(received).toHaveLength(1);
  });

  it.each([
    ['arrays 5,000 deep as the body', deep.arrays],
    ['objects 5,000 deep as the body', deep.objects],
    ['arrays 5,000 deep inside an order', withX(deep.arrays)],
    ['objects 5,000 deep inside an order', withX(deep.objects)],
  ])('answers %s with 400 problem+json naming the limit, and logs no error', async (_, text) => {
    expect(text.length).toBeLessThan(64 * 1024);
    const answer = await post(text);
    expect(answer).toMatchObject({
      status: 400,
      type: expect.stringContaining('application/problem+json'),
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: `The request body is nested deeper than ${MAX_BODY_DEPTH} levels of arrays and objects.`,
      },
    });
    expect(received).toEqual([]);
    expect(logged.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses an order line carrying %s (400), and the handler never sees it',
    async (key) => {
      const answer = await post(`{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":2,"${key}":{"admin":true}}]}`);
      expect(answer).toMatchObject({
        status: 400,
        body: { detail: 'The request is invalid.', errors: [{ field: `items[0].${key}`, message: `property ${key} should not exist` }] },
      });
      expect(received).toEqual([]);
      expect(({} as { admin?: unknown }).admin).toBeUndefined();
    },
  );

  it('refuses a prototype key on the body itself as an unknown property, as it does any other', async () => {
    const proto = await post(withX('1').replace('"x"', '"__proto__"'));
    const other = await post(withX('1'));
    expect([proto.status, other.status]).toEqual([400, 400]);
    expect(proto.body.errors).toEqual([{ field: '__proto__', message: 'property __proto__ should not exist' }]);
    expect(other.body.errors).toEqual([{ field: 'x', message: 'property x should not exist' }]);
  });
});
