import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, Caller, type Principal } from '@orderflow/auth';
import { markOrder } from '@orderflow/observability';
import { ApiProblems, decodeCursor, encodeCursor, ValidationProblem, type Page } from '@orderflow/rest';
import type { Response } from 'express';
import { OrderError } from './domain/order';
import { ListOrdersQuery } from './get-orders/list-orders.query';
import { OrderRepository } from './order.repository';
import { OrderPageResponse, OrderResponse, toOrderResponse } from './order.response';
import { OrderWorkflow } from './order.workflow';
import { TimelineEntryResponse } from './timeline/timeline.response';
import { IDEMPOTENCY_KEY } from './place-order/idempotency-key';
import { PlaceOrderDto } from './place-order/place-order.dto';
import { PlaceOrderHandler } from './place-order/place-order.handler';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });
const OrderId = () => ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' }, description: 'the order id' });

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly workflow: OrderWorkflow,
    private readonly orders: OrderRepository,
    private readonly access: Access,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Place an order', description: 'Only as the customer the access token names (customerId must be theirs).' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-128 visible ASCII characters, scoped to the caller', schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,128}$' } })
  @ApiAcceptedResponse({
    type: OrderResponse,
    description: 'accepted as PENDING (or, with Idempotent-Replayed: true, the answer to an earlier request with this key)',
    headers: { Location: { description: '/orders/{id}', schema: { type: 'string' } }, 'Idempotent-Replayed': { description: 'true on a replay', schema: { type: 'string', enum: ['true'] } } },
  })
  @ApiProblems([403, 409, 422], {
    403: 'customerId is not the customer the access token was issued for.',
    409: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  })
  async place(
    @Caller() caller: Principal,
    @Body() body: PlaceOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponse> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationProblem([{ field: 'Idempotency-Key', message: 'must be 1-128 visible ASCII characters' }]);
    }
    this.access.assertActsAs(caller, body.customerId);
    const { order, replayed } = await this.placeOrder.execute(body, caller.customerId ?? body.customerId, key);
    response.location(`/orders/${order.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toOrderResponse(order);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An order', description: "The order's customer, or staff with the read scope. Another customer's order is 404, like an unknown one." })
  @OrderId()
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems([404])
  async get(@Caller() caller: Principal, @Param('id', uuid) id: string): Promise<OrderResponse> {
    markOrder(id);
    return toOrderResponse(await this.visibleOrder(caller, id));
  }

  @Get()
  @ApiOperation({ summary: 'Orders, newest first', description: "A customer's own without customerId; another customer's need the staff read scope." })
  @ApiOkResponse({ type: OrderPageResponse })
  @ApiProblems([403], { 403: "customerId names another customer and the token lacks the staff read scope." })
  async list(@Caller() caller: Principal, @Query() query: ListOrdersQuery): Promise<Page<OrderResponse>> {
    if (query.customerId !== undefined) this.access.assertMayRead(caller, query.customerId);
    // Without a filter a customer sees their own orders; only staff see everyone's.
    const customerId = query.customerId ?? (this.access.policy.mayReadAnyone(caller) ? undefined : caller.customerId ?? undefined);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['createdAt', 'id'] as const);
    if (after && Number.isNaN(Date.parse(after.createdAt))) throw new BadRequestException('cursor is not one this API handed out');
    // One extra tells whether another page follows.
    const orders = await this.orders.list({
      customerId,
      status: query.status,
      after: after && { createdAt: new Date(after.createdAt), id: after.id },
      limit: query.limit + 1,
    });
    const page = orders.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toOrderResponse),
      nextCursor: orders.length > query.limit ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: "Every event of an order, oldest first", description: "Visible as the order is." })
  @OrderId()
  @ApiOkResponse({ type: [TimelineEntryResponse] })
  @ApiProblems([404])
  async timeline(@Caller() caller: Principal, @Param('id', uuid) id: string): Promise<TimelineEntryResponse[]> {
    markOrder(id);
    const timeline = await this.orders.timeline(id);
    if (!timeline || !this.access.mayRead(caller, timeline.customerId)) throw notFound(id);
    return timeline.entries.map((e) => ({ type: e.type, eventId: e.eventId, source: e.source, at: e.at.toISOString() }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order', description: "The order's customer, or staff with the cancel scope." })
  @OrderId()
  @ApiOkResponse({ type: OrderResponse, description: 'the order, now CANCELLED (unchanged if it already was)' })
  @ApiProblems([403, 404, 409], { 403: 'Staff who may read the order but lack the cancel scope.', 409: 'The order is REJECTED and cannot be cancelled.' })
  async cancel(@Caller() caller: Principal, @Param('id', uuid) id: string): Promise<OrderResponse> {
    markOrder(id);
    const stored = await this.orders.find(id);
    if (!stored) throw notFound(id);
    if (!this.access.mayCancelFor(caller, stored.order.customerId)) {
      // Someone who may not even see it learns nothing; staff who may see it learn the scope they lack.
      if (!this.access.mayRead(caller, stored.order.customerId)) throw notFound(id);
      this.access.assertMayCancelAnyone(caller);
    }
    const { order, ignored } = await this.workflow.apply(id, { kind: 'cancel' });
    if (ignored) throw new OrderError('ORDER_NOT_CANCELLABLE', `order ${id} is ${order.status} and cannot be cancelled`);
    return toOrderResponse(order);
  }

  /**
   * The order, if the caller may see it. Another customer's order answers 404 exactly like
   * an unknown one: a 403 would confirm that the id exists (ids of keyed orders are derived
   * from the key, so they are not secret by construction).
   */
  private async visibleOrder(caller: Principal, id: string) {
    const stored = await this.orders.find(id);
    if (!stored || !this.access.mayRead(caller, stored.order.customerId)) throw notFound(id);
    return stored.order;
  }
}

const notFound = (id: string) => new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`);
