import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_ID, ORDER_STATUSES, REJECTION_REASONS, SKU } from '@orderflow/contracts';
import type { Order } from '../domain/order';

class OrderLineResponse {
  @ApiProperty({ pattern: SKU.source }) sku!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1000 }) quantity!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'minor units; null until priced' }) unitPrice!: number | null;
}

class RejectionResponse {
  @ApiProperty({ enum: REJECTION_REASONS }) reason!: string;
  @ApiProperty({ type: [String] }) skus!: string[];
}

class StatusChangeResponse {
  @ApiProperty({ enum: ORDER_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ pattern: CUSTOMER_ID.source }) customerId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: string;
  @ApiProperty({ type: [OrderLineResponse] }) items!: OrderLineResponse[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'minor units; null until priced' }) total!: number | null;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: RejectionResponse, nullable: true }) rejection!: RejectionResponse | null;
  @ApiProperty({ type: [StatusChangeResponse] }) history!: StatusChangeResponse[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class OrderPageResponse {
  @ApiProperty({ type: [OrderResponse] }) items!: OrderResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** The public shape of an order: a whitelist, so stored bookkeeping never leaks out. */
export function toOrderResponse(order: Order): OrderResponse {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice })),
    total: order.total,
    currency: order.currency,
    rejection: order.rejection && { reason: order.rejection.reason, skus: [...order.rejection.skus] },
    history: order.history.map((change) => ({ status: change.status, at: change.at.toISOString() })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
