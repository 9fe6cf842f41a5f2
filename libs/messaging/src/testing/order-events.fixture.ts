import type { MessageInitShape } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import {
  CancelledOrderStatus,
  encodeEvent,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderCreatedSchema,
  type EncodedEvent,
  type EncodeMeta,
  type EventMessage,
} from '@orderflow/contracts';
import type { OutboxMessage } from '@orderflow/persistence';
import { encodeForOutbox } from '../outbox/outbox.message';

/** Event types as handlers register them. */
export const OrderEventType = {
  created: OrderCreatedSchema.typeName,
  confirmed: OrderConfirmedSchema.typeName,
  cancelled: OrderCancelledSchema.typeName,
} as const;

/** Step `step` (modulo 3: created, confirmed, cancelled) of an order's life as an outbox entry bound for `topic`. */
export function outboxOrderEvent(topic: string, orderId: string, step = 0): OutboxMessage {
  return { ...lifeStep(encodeForOutbox, orderId, step), topic };
}

/** Step `step` of an order's life as a Kafka message as order-api sends it, with its event id. */
export function encodedOrderEvent(orderId: string, step = 0): EncodedEvent & { eventId: string } {
  const encoded = lifeStep(encodeEvent, orderId, step);
  return { ...encoded, eventId: encoded.headers['ce_id'] };
}

type Encoder<R> = <M extends EventMessage>(schema: GenMessage<M>, init: MessageInitShape<GenMessage<M>>, meta: EncodeMeta) => R;

function lifeStep<R>(encode: Encoder<R>, orderId: string, step: number): R {
  const meta = { producer: 'order-api' };
  const customerId = 'customer-1';
  const lines = [{ sku: 'SKU-1', quantity: 2 }];
  switch (step % 3) {
    case 0:
      return encode(OrderCreatedSchema, { orderId, customerId, lines, currency: 'EUR' }, meta);
    case 1:
      return encode(
        OrderConfirmedSchema,
        { orderId, customerId, lines: [{ ...lines[0], unitPrice: 1_250n }], total: 2_500n, currency: 'EUR' },
        meta,
      );
    default:
      return encode(OrderCancelledSchema, { orderId, customerId, previousStatus: CancelledOrderStatus.CONFIRMED, lines }, meta);
  }
}
