import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { markOrder } from '@orderflow/observability';
import { decodeCursor, encodeCursor, ValidationProblem, type Page } from '@orderflow/rest';
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

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly workflow: OrderWorkflow,
    private readonly orders: OrderRepository,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-128 visible ASCII characters' })
  @ApiAcceptedResponse({ type: OrderResponse })
  async place(
    @Body() body: PlaceOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponse> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationProblem([{ field: 'Idempotency-Key', message: 'must be 1-128 visible ASCII characters' }]);
    }
    const { order, replayed } = await this.placeOrder.execute(body, key);
    response.location(`/orders/${order.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toOrderResponse(order);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderResponse })
  async get(@Param('id', uuid) id: string): Promise<OrderResponse> {
    markOrder(id);
    const stored = await this.orders.find(id);
    if (!stored) throw new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`);
    return toOrderResponse(stored.order);
  }

  @Get()
  @ApiOkResponse({ type: OrderPageResponse })
  async list(@Query() query: ListOrdersQuery): Promise<Page<OrderResponse>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['createdAt', 'id'] as const);
    if (after && Number.isNaN(Date.parse(after.createdAt))) throw new BadRequestException('cursor is not one this API handed out');
    // One extra tells whether another page follows.
    const orders = await this.orders.list({
      customerId: query.customerId,
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
  @ApiOkResponse({ type: [TimelineEntryResponse] })
  async timeline(@Param('id', uuid) id: string): Promise<TimelineEntryResponse[]> {
    markOrder(id);
    const entries = await this.orders.timeline(id);
    if (!entries) throw new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`);
    return entries.map((e) => ({ type: e.type, eventId: e.eventId, source: e.source, at: e.at.toISOString() }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderResponse })
  async cancel(@Param('id', uuid) id: string): Promise<OrderResponse> {
    markOrder(id);
    const { order, ignored } = await this.workflow.apply(id, { kind: 'cancel' });
    if (ignored) throw new OrderError('ORDER_NOT_CANCELLABLE', `order ${id} is ${order.status} and cannot be cancelled`);
    return toOrderResponse(order);
  }
}
