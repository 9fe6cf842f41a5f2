import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, type Principal } from '@orderflow/auth';
import { markOrder } from '@orderflow/messaging';
import { ApiProblems, ValidationProblem, type Page } from '@orderflow/rest';
import type { Response } from 'express';
import { CancelOrderHandler } from '../commands/cancel-order/cancel-order.handler';
import { IDEMPOTENCY_KEY } from '../commands/place-order/idempotency-key';
import { PlaceOrderHandler } from '../commands/place-order/place-order.handler';
import { GetOrderHandler } from '../queries/get-order/get-order.handler';
import { ListOrdersHandler } from '../queries/list-orders/list-orders.handler';
import { OrderTimelineHandler } from '../queries/order-timeline/order-timeline.handler';
import { ListOrdersDto } from './list-orders.dto';
import { OrderPageResponse, OrderResponse, toOrderResponse } from './order.response';
import { PlaceOrderDto } from './place-order.dto';
import { TimelineEntryResponse, toTimelineEntryResponse } from './timeline.response';

const uuid = new ParseUUIDPipe();

/**
 * OpenAPI links (3.0 §4.7.20) from an answer carrying an order to the operations on it, by
 * the operation ids @nestjs/swagger gives them (`OrdersController_<method>`): clients, and
 * schemathesis' stateful phase, follow them to the order just placed instead of guessing ids.
 */
const ORDER_OPERATION_IDS = {
  get: 'OrdersController_get',
  timeline: 'OrdersController_timeline',
  cancel: 'OrdersController_cancel',
} as const;
const toOrder = (operationId: string, description: string) => ({ operationId, parameters: { id: '$response.body#/id' }, description });
const ORDER_LINKS = {
  GetOrder: toOrder(ORDER_OPERATION_IDS.get, 'the order, by the `id` in this answer'),
  GetOrderTimeline: toOrder(ORDER_OPERATION_IDS.timeline, "the order's timeline"),
  CancelOrder: toOrder(ORDER_OPERATION_IDS.cancel, 'cancel the order'),
};
const OrderId = () => ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' }, description: 'the order id' });

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly cancelOrder: CancelOrderHandler,
    private readonly getOrder: GetOrderHandler,
    private readonly listOrders: ListOrdersHandler,
    private readonly orderTimeline: OrderTimelineHandler,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Place an order', description: 'Only as the customer the access token names (customerId must be theirs).' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-128 visible ASCII characters, scoped to the caller',
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,128}$' },
  })
  @ApiAcceptedResponse({
    type: OrderResponse,
    description: 'accepted as PENDING (or, with Idempotent-Replayed: true, the answer to an earlier request with this key)',
    headers: {
      Location: { description: '/orders/{id}', schema: { type: 'string' } },
      'Idempotent-Replayed': { description: 'true on a replay', schema: { type: 'string', enum: ['true'] } },
    },
    links: ORDER_LINKS,
  })
  @ApiProblems([403, 409, 422], {
    403: 'customerId is not the customer the access token was issued for.',
    409: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  })
  async place(
    @Caller() caller: Principal,
    @Body() body: PlaceOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    // Only for the Location and Idempotent-Replayed headers; the status is the @HttpCode above.
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponse> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationProblem([{ field: 'Idempotency-Key', message: 'must be 1-128 visible ASCII characters' }]);
    }
    const { order, replayed } = await this.placeOrder.execute(caller, body, key);
    response.location(`/orders/${order.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toOrderResponse(order);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'An order',
    description: "The order's customer, or staff with the read scope. Another customer's order is 404, like an unknown one.",
  })
  @OrderId()
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems([404])
  async get(@Caller() caller: Principal, @Param('id', uuid) id: string): Promise<OrderResponse> {
    markOrder(id);
    return toOrderResponse(await this.getOrder.execute(caller, id));
  }

  @Get()
  @ApiOperation({
    summary: 'Orders, newest first',
    description: "A customer's own without customerId; another customer's need the staff read scope.",
  })
  @ApiOkResponse({ type: OrderPageResponse })
  @ApiProblems([403], { 403: 'customerId names another customer and the token lacks the staff read scope.' })
  async list(@Caller() caller: Principal, @Query() query: ListOrdersDto): Promise<Page<OrderResponse>> {
    const page = await this.listOrders.execute(caller, query);
    return { items: page.items.map(toOrderResponse), nextCursor: page.nextCursor };
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'Every event of an order, oldest first', description: 'Visible as the order is.' })
  @OrderId()
  @ApiOkResponse({ type: [TimelineEntryResponse] })
  @ApiProblems([404])
  async timeline(@Caller() caller: Principal, @Param('id', uuid) id: string): Promise<TimelineEntryResponse[]> {
    markOrder(id);
    return (await this.orderTimeline.execute(caller, id)).map(toTimelineEntryResponse);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order', description: "The order's customer, or staff with the cancel scope." })
  @OrderId()
  @ApiOkResponse({
    type: OrderResponse,
    description: 'the order, now CANCELLED (unchanged if it already was)',
    links: { GetOrder: ORDER_LINKS.GetOrder, GetOrderTimeline: ORDER_LINKS.GetOrderTimeline },
  })
  @ApiProblems([403, 404, 409], {
    403: 'Staff who may read the order but lack the cancel scope.',
    409: 'The order is REJECTED and cannot be cancelled.',
  })
  async cancel(@Caller() caller: Principal, @Param('id', uuid) id: string): Promise<OrderResponse> {
    markOrder(id);
    return toOrderResponse(await this.cancelOrder.execute(caller, id));
  }
}
