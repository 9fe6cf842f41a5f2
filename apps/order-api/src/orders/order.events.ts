import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CancelledOrderStatus,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderCreatedSchema,
  encodeOrderRejectionReason,
  OrderRejectedSchema,
  type OrderStatus,
} from '@orderflow/contracts';
import { encodeForOutbox } from '@orderflow/messaging';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Order } from './domain/order';

const producer = 'order-api';

/** The event that announces `order` in its current state, having been `previous` before. */
export function orderEvent(order: Order, previous: OrderStatus | null, causationId?: string): OutboxMessage {
  const meta = { producer, occurredAt: order.updatedAt, causationId };
  const lines = order.items.map((item) => ({ sku: item.sku, quantity: item.quantity }));
  switch (order.status) {
    case 'PENDING':
      return encodeForOutbox(
        OrderCreatedSchema,
        { orderId: order.id, customerId: order.customerId, lines, currency: order.currency, createdAt: timestampFromDate(order.createdAt) },
        meta,
      );
    case 'CONFIRMED':
      return encodeForOutbox(
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
      return encodeForOutbox(
        OrderRejectedSchema,
        {
          orderId: order.id,
          customerId: order.customerId,
          reason: encodeOrderRejectionReason(order.rejection?.reason ?? 'OUT_OF_STOCK'),
          skus: order.rejection?.skus ?? [],
          rejectedAt: timestampFromDate(order.updatedAt),
        },
        meta,
      );
    case 'CANCELLED':
      return encodeForOutbox(
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
