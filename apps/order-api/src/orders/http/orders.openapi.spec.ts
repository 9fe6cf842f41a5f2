import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { CancelOrderHandler } from '../commands/cancel-order/cancel-order.handler';
import { PlaceOrderHandler } from '../commands/place-order/place-order.handler';
import { GetOrderHandler } from '../queries/get-order/get-order.handler';
import { ListOrdersHandler } from '../queries/list-orders/list-orders.handler';
import { OrderTimelineHandler } from '../queries/order-timeline/order-timeline.handler';
import { OrdersController } from './orders.controller';

type Links = Record<string, { operationId?: string; parameters?: Record<string, string> }>;

/** The controller's OpenAPI document as the services serve it, without a database (the handlers are never called). */
async function documentOf(): Promise<OpenAPIObject> {
  const module = await Test.createTestingModule({
    controllers: [OrdersController],
    providers: [PlaceOrderHandler, CancelOrderHandler, GetOrderHandler, ListOrdersHandler, OrderTimelineHandler].map((provide) => ({
      provide,
      useValue: {},
    })),
  }).compile();
  const app: INestApplication = module.createNestApplication({ logger: false });
  try {
    return SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('order-api').build());
  } finally {
    await app.close();
  }
}

describe('the orders OpenAPI document links a placed order to what can be done with it', () => {
  let document: OpenAPIObject;
  beforeAll(async () => (document = await documentOf()));

  const operationIds = () =>
    new Map(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item).flatMap(([method, op]) =>
          op && typeof op === 'object' && 'operationId' in op
            ? [[(op as { operationId: string }).operationId, `${method.toUpperCase()} ${path}`] as const]
            : [],
        ),
      ),
    );
  const linksOf = (path: string, method: 'get' | 'post', status: string) =>
    (document.paths[path][method]?.responses[status] as { links?: Links } | undefined)?.links ?? {};

  it('POST /orders (202) links to GET /orders/{id}, its timeline and its cancel, passing the id from the answer', () => {
    const ids = operationIds();
    const targets = Object.values(linksOf('/orders', 'post', '202')).map((link) => [ids.get(link.operationId as string), link.parameters]);
    expect(targets).toEqual([
      ['GET /orders/{id}', { id: '$response.body#/id' }],
      ['GET /orders/{id}/timeline', { id: '$response.body#/id' }],
      ['POST /orders/{id}/cancel', { id: '$response.body#/id' }],
    ]);
  });

  it('a cancel (200) links back to the order and its timeline', () => {
    const ids = operationIds();
    expect(Object.values(linksOf('/orders/{id}/cancel', 'post', '200')).map((link) => ids.get(link.operationId as string))).toEqual([
      'GET /orders/{id}',
      'GET /orders/{id}/timeline',
    ]);
  });

  it('every link names an operation of the document, with the parameter that operation takes', () => {
    const ids = operationIds();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of [item.get, item.post, item.put]) {
        for (const response of Object.values(operation?.responses ?? {})) {
          for (const link of Object.values((response as { links?: Links }).links ?? {})) {
            const target = ids.get(link.operationId as string);
            expect({ from: path, target }).toEqual({ from: path, target: expect.any(String) });
            const [method, targetPath] = (target as string).split(' ');
            const parameters = (document.paths[targetPath][method.toLowerCase() as 'get'] ?? {}).parameters ?? [];
            for (const name of Object.keys(link.parameters ?? {}))
              expect(parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }));
          }
        }
      }
    }
  });
});
