import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CancelledOrderStatus,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderCreatedSchema,
  OrderRejectedSchema,
  OrderRejectionReason,
} from '@orderflow/contracts';
import { outboxMessage, type OutboxMessage } from '@orderflow/messaging';
import type { Order, OrderStatus, RejectionReason } from './domain/order';

const producer = 'order-api';

const REJECTION_REASONS: Record<RejectionReason, OrderRejectionReason> = {
  OUT_OF_STOCK: OrderRejectionReason.OUT_OF_STOCK,
  UNKNOWN_SKU: OrderRejectionReason.UNKNOWN_SKU,
  TIMEOUT: OrderRejectionReason.TIMEOUT,
};

/** The event that announces `order` in its current state, having been `previous` before. */
export function orderEvent(order: Order, previous: OrderStatus | null, causationId?: string): OutboxMessage {
  const meta = { producer, occurredAt: order.updatedAt, causationId };
  const lines = order.items.map((item) => ({ sku: item.sku, quantity: item.quantity }));
  switch (order.status) {
    case 'PENDING':
      return outboxMessage(
        OrderCreatedSchema,
        { orderId: order.id, customerId: order.customerId, lines, currency: order.currency, createdAt: timestampFromDate(order.createdAt) },
        meta,
      );
    case 'CONFIRMED':
      return outboxMessage(
        OrderConfirmedSchema,
        {
          orderId: order.id,
          customerId: order.customerId,
          lines: order.items.map((item) => ({ ...item, unitPrice: BigInt(item.unitPrice ?? 0) })),
          total: BigInt(order.total ?? 0),
          currency: order.currency,
          confirmedAt: timestampFromDate(order.updatedAt),
        },
        meta,
      );
    case 'REJECTED':
      return outboxMessage(
        OrderRejectedSchema,
        {
          orderId: order.id,
          customerId: order.customerId,
          reason: REJECTION_REASONS[order.rejection?.reason ?? 'OUT_OF_STOCK'],
          skus: order.rejection?.skus ?? [],
          rejectedAt: timestampFromDate(order.updatedAt),
        },
        meta,
      );
    case 'CANCELLED':
      return outboxMessage(
        OrderCancelledSchema,
        {
          orderId: order.id,
          customerId: order.customerId,
          previousStatus: previous === 'CONFIRMED' ? CancelledOrderStatus.CONFIRMED : CancelledOrderStatus.PENDING,
          lines,
          ...(order.total !== null && { total: BigInt(order.total) }),
          currency: order.currency,
          cancelledAt: timestampFromDate(order.updatedAt),
        },
        meta,
      );
  }
}
