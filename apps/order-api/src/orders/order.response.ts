import { ApiProperty } from '@nestjs/swagger';
import type { Order } from './domain/order';

class OrderLineResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'minor units; null until priced' }) unitPrice!: number | null;
}

class RejectionResponse {
  @ApiProperty({ enum: ['OUT_OF_STOCK', 'UNKNOWN_SKU', 'TIMEOUT'] }) reason!: string;
  @ApiProperty({ type: [String] }) skus!: string[];
}

class StatusChangeResponse {
  @ApiProperty() status!: string;
  @ApiProperty() at!: string;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] }) status!: string;
  @ApiProperty({ type: [OrderLineResponse] }) items!: OrderLineResponse[];
  @ApiProperty({ type: Number, nullable: true, description: 'minor units; null until priced' }) total!: number | null;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: RejectionResponse, nullable: true }) rejection!: RejectionResponse | null;
  @ApiProperty({ type: [StatusChangeResponse] }) history!: StatusChangeResponse[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
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
