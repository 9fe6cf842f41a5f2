import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  encodeInventoryRejectionReason,
  InventoryRejectedSchema,
  InventoryReleasedSchema,
  InventoryReservedSchema,
} from '@orderflow/contracts';
import { encodeForOutbox } from '@orderflow/messaging';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Line, PricedLine, Rejection } from './domain/reservation.rules';

const producer = 'inventory-service';

export function reservedEvent(orderId: string, lines: PricedLine[], total: number, currency: string, causationId: string): OutboxMessage {
  return encodeForOutbox(
    InventoryReservedSchema,
    {
      orderId,
      lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: BigInt(line.unitPrice) })),
      total: BigInt(total),
      currency,
      reservedAt: timestampFromDate(new Date()),
    },
    { producer, causationId },
  );
}

export function rejectedEvent(orderId: string, rejection: Rejection, causationId: string): OutboxMessage {
  return encodeForOutbox(
    InventoryRejectedSchema,
    {
      orderId,
      reason: encodeInventoryRejectionReason(rejection.reason),
      skus: rejection.skus,
      rejectedAt: timestampFromDate(new Date()),
    },
    { producer, causationId },
  );
}

export function releasedEvent(orderId: string, lines: Line[], causationId: string): OutboxMessage {
  return encodeForOutbox(
    InventoryReleasedSchema,
    { orderId, lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })), releasedAt: timestampFromDate(new Date()) },
    { producer, causationId },
  );
}
