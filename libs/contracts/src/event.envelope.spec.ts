import { clone, create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import {
  EnumValueDescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  file_google_protobuf_timestamp,
  FileDescriptorProtoSchema,
  timestampFromDate,
} from '@bufbuild/protobuf/wkt';
import type { ContractErrorCode } from './contract.error';
import { ContractError } from './contract.error';
import type { DecodedEvent, EncodedEvent, KafkaMessageLike } from './event.envelope';
import { causedBy, decodeEvent, encodeEvent, EnvelopeHeader, isEvent } from './event.envelope';
import type { EventMessage } from './event.registry';
import { eventSchemas } from './event.registry';
import {
  InventoryRejectedSchema,
  InventoryRejectionReason,
  InventoryReleasedSchema,
  InventoryReservedSchema,
} from './gen/orderflow/inventory/v1/events_pb';
import { NotificationKind, NotificationSentSchema, NotificationStatus } from './gen/orderflow/notifications/v1/events_pb';
import {
  CancelledOrderStatus,
  file_orderflow_orders_v1_events,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderCreatedSchema,
  OrderRejectedSchema,
  OrderRejectionReason,
} from './gen/orderflow/orders/v1/events_pb';
import { PointsAwardedSchema, PointsReversedSchema } from './gen/orderflow/points/v1/events_pb';

const orderId = '0b8f6c2e-7d1a-4c3b-9e5f-1a2b3c4d5e6f';
const at = timestampFromDate(new Date('2025-03-01T12:00:00.123Z'));
const meta = { producer: 'order-api' };

interface Sample<M extends EventMessage> {
  schema: GenMessage<M>;
  init: MessageInitShape<GenMessage<M>>;
}
const sample = <M extends EventMessage>(schema: GenMessage<M>, init: MessageInitShape<GenMessage<M>>): Sample<M> => ({
  schema,
  init,
});

/** One fully populated example of every event, so each field survives the round trip. */
const samples: Sample<EventMessage>[] = [
  sample(OrderCreatedSchema, {
    orderId,
    customerId: 'c-1',
    lines: [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 1 },
    ],
    currency: 'USD',
    createdAt: at,
  }),
  sample(OrderConfirmedSchema, {
    orderId,
    customerId: 'c-1',
    lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250n }],
    total: 2500n,
    currency: 'USD',
    confirmedAt: at,
  }),
  sample(OrderRejectedSchema, {
    orderId,
    customerId: 'c-1',
    reason: OrderRejectionReason.OUT_OF_STOCK,
    skus: ['SKU-1'],
    rejectedAt: at,
  }),
  sample(OrderCancelledSchema, {
    orderId,
    customerId: 'c-1',
    previousStatus: CancelledOrderStatus.CONFIRMED,
    lines: [{ sku: 'SKU-1', quantity: 2 }],
    total: 2500n,
    currency: 'USD',
    cancelledAt: at,
  }),
  sample(InventoryReservedSchema, {
    orderId,
    lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250n }],
    total: 2500n,
    currency: 'USD',
    reservedAt: at,
  }),
  sample(InventoryRejectedSchema, {
    orderId,
    reason: InventoryRejectionReason.UNKNOWN_SKU,
    skus: ['SKU-9'],
    rejectedAt: at,
  }),
  sample(InventoryReleasedSchema, {
    orderId,
    lines: [{ sku: 'SKU-1', quantity: 2 }],
    releasedAt: at,
  }),
  sample(PointsAwardedSchema, {
    orderId,
    customerId: 'c-1',
    points: 25n,
    orderTotal: 2500n,
    currency: 'USD',
    awardedAt: at,
  }),
  sample(PointsReversedSchema, {
    orderId,
    customerId: 'c-1',
    points: 25n,
    reversedAt: at,
  }),
  sample(NotificationSentSchema, {
    notificationId: '5d1c8f0e-2b9a-4e7d-8c6f-3a4b5c6d7e8f',
    orderId,
    customerId: 'c-1',
    kind: NotificationKind.POINTS_AWARDED,
    channel: 'email',
    status: NotificationStatus.SENT,
    sentAt: at,
  }),
] as Sample<EventMessage>[];

function initOf<M extends EventMessage>(schema: GenMessage<M>): MessageInitShape<GenMessage<M>> {
  const found = samples.find((s) => s.schema.typeName === schema.typeName);
  if (!found) throw new Error(`no sample of ${schema.typeName}`);
  return found.init as MessageInitShape<GenMessage<M>>;
}

/** What a kafkajs consumer hands over: Buffers everywhere. */
function consumed(record: EncodedEvent): KafkaMessageLike {
  const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
  return { key: Buffer.from(record.key), value: record.value, headers };
}

function orderCreated(): EncodedEvent {
  return encodeEvent(OrderCreatedSchema, initOf(OrderCreatedSchema), meta);
}

function codeOf(fn: () => unknown): ContractErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.code;
    throw error;
  }
  return undefined;
}

describe('event envelope', () => {
  it('has a sample of every registered event', () => {
    expect(samples.map((s) => s.schema.typeName).sort()).toEqual(eventSchemas.map((s) => s.typeName).sort());
  });

  it.each(samples.map((s) => [s.schema.typeName, s] as const))('round-trips %s', (type, { schema, init }) => {
    const decoded = decodeEvent(consumed(encodeEvent(schema, init, meta)));

    expect(decoded.type).toBe(type);
    expect(decoded.schema).toBe(schema);
    expect(decoded.message).toEqual(create(schema, init));
  });

  it('keys by order id and writes every envelope header', () => {
    const record = encodeEvent(OrderCreatedSchema, initOf(OrderCreatedSchema), {
      producer: 'order-api',
      eventId: '11111111-2222-4333-8444-555555555555',
      occurredAt: new Date('2025-03-01T12:00:00Z'),
      causationId: '66666666-7777-4888-9999-000000000000',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
    });

    expect(record.key).toBe(orderId);
    expect(fromBinary(OrderCreatedSchema, record.value).customerId).toBe('c-1');
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: '11111111-2222-4333-8444-555555555555',
      ce_type: 'orderflow.orders.v1.OrderCreated',
      ce_source: 'order-api',
      ce_time: '2025-03-01T12:00:00.000Z',
      ce_schemaversion: 'v1',
      ce_correlationid: orderId,
      ce_causationid: '66666666-7777-4888-9999-000000000000',
      'content-type': 'application/protobuf',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
    });
  });

  it('gives each event a fresh UUID and the current time unless told otherwise', () => {
    const before = Date.now();
    const [a, b] = [orderCreated(), orderCreated()];

    expect(a.headers[EnvelopeHeader.id]).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers[EnvelopeHeader.id]).not.toBe(b.headers[EnvelopeHeader.id]);
    expect(Date.parse(a.headers[EnvelopeHeader.time])).toBeGreaterThanOrEqual(before);
    expect(a.headers[EnvelopeHeader.causationId]).toBeUndefined();
  });

  it('exposes the metadata and carries cause and trace into the next event', () => {
    const first = decodeEvent(
      consumed(
        encodeEvent(OrderCreatedSchema, initOf(OrderCreatedSchema), {
          producer: 'order-api',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        }),
      ),
    );
    const next = decodeEvent(
      consumed(
        encodeEvent(InventoryReservedSchema, initOf(InventoryReservedSchema), {
          producer: 'inventory-service',
          ...causedBy(first),
        }),
      ),
    );

    expect(first.meta).toEqual({
      eventId: expect.any(String),
      schemaVersion: 'v1',
      occurredAt: expect.stringMatching(/Z$/),
      producer: 'order-api',
      correlationId: orderId,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(next.meta).toMatchObject({
      producer: 'inventory-service',
      correlationId: orderId,
      causationId: first.meta.eventId,
      traceparent: first.meta.traceparent,
    });
  });

  it('reads headers as kafkajs delivers them: Buffer, string or repeated', () => {
    const { key, value, headers } = orderCreated();
    const mixed = Object.fromEntries(
      Object.entries(headers).map(([k, v], i) => [k, i % 3 === 0 ? v : i % 3 === 1 ? Buffer.from(v) : [v, Buffer.from(v)]]),
    );

    expect(decodeEvent({ key, value, headers: mixed }).message.orderId).toBe(orderId);
  });

  it('narrows a decoded event to its message type', () => {
    const decoded: DecodedEvent = decodeEvent(consumed(orderCreated()));

    expect(isEvent(decoded, OrderConfirmedSchema)).toBe(false);
    if (!isEvent(decoded, OrderCreatedSchema)) throw new Error('expected OrderCreated');
    // Compiles only because the message is narrowed to OrderCreated.
    expect(decoded.message.lines.map((l) => l.sku)).toEqual(['SKU-1', 'SKU-2']);
    if (decoded.type === 'orderflow.orders.v1.OrderCreated') expect(decoded.message.currency).toBe('USD');
  });

  it('ignores a malformed trace header rather than losing the event', () => {
    const record = consumed(orderCreated());
    const decoded = decodeEvent({
      ...record,
      headers: { ...record.headers, traceparent: 'garbage', tracestate: 'x=1' },
    });

    expect(decoded.meta.traceparent).toBeUndefined();
    expect(decoded.meta.tracestate).toBeUndefined();
  });
});

describe('schema evolution inside v1', () => {
  /** orders/v1/events.proto as a later release might ship it, built from our own descriptor. */
  function newerOrdersFile() {
    const proto = clone(FileDescriptorProtoSchema, file_orderflow_orders_v1_events.proto);
    proto.messageType
      .find((m) => m.name === 'OrderCreated')
      ?.field.push(
        create(FieldDescriptorProtoSchema, {
          name: 'gift_message',
          jsonName: 'giftMessage',
          number: 6,
          type: FieldDescriptorProto_Type.STRING,
          label: FieldDescriptorProto_Label.OPTIONAL,
        }),
      );
    proto.enumType
      .find((e) => e.name === 'OrderRejectionReason')
      ?.value.push(
        create(EnumValueDescriptorProtoSchema, {
          name: 'ORDER_REJECTION_REASON_PAYMENT_DECLINED',
          // The next number after the last one this reader knows (TIMEOUT = 3).
          number: 4,
        }),
      );
    const registry = createFileRegistry(proto, (name) =>
      name === file_google_protobuf_timestamp.name + '.proto' ? file_google_protobuf_timestamp : undefined,
    );
    const message = (name: string): DescMessage => {
      const desc = registry.getMessage(`orderflow.orders.v1.${name}`);
      if (!desc) throw new Error(`no ${name} in the newer file`);
      return desc;
    };
    return {
      orderCreated: message('OrderCreated'),
      orderRejected: message('OrderRejected'),
    };
  }

  it('lets an old reader decode a newer writer’s added field, and keeps it when re-encoding', () => {
    const newer = newerOrdersFile().orderCreated;
    const written = create(newer, {
      ...initOf(OrderCreatedSchema),
      giftMessage: 'happy birthday',
    } as never);
    const record = encodeEvent(newer as typeof OrderCreatedSchema, written as never, meta);

    const decoded = decodeEvent(consumed(record));
    if (!isEvent(decoded, OrderCreatedSchema)) throw new Error('expected OrderCreated');
    expect(decoded.message.customerId).toBe('c-1');
    expect(decoded.message.$unknown).toHaveLength(1);

    const forwarded = fromBinary(newer, toBinary(OrderCreatedSchema, decoded.message)) as unknown as {
      giftMessage: string;
    };
    expect(forwarded.giftMessage).toBe('happy birthday');
  });

  it('lets an old reader see a newer enum value as a number it does not know', () => {
    const newer = newerOrdersFile().orderRejected;
    const written = create(newer, {
      ...initOf(OrderRejectedSchema),
      reason: 4,
    } as never);
    const decoded = decodeEvent(consumed(encodeEvent(newer as typeof OrderRejectedSchema, written as never, meta)));

    if (!isEvent(decoded, OrderRejectedSchema)) throw new Error('expected OrderRejected');
    expect(decoded.message.reason).toBe(4);
    expect(Object.values(OrderRejectionReason)).not.toContain(4);
  });
});

describe('contract violations', () => {
  const valid = () => consumed(orderCreated());
  const withHeaders = (headers: Record<string, string | Buffer | undefined>) => {
    const record = valid();
    return { ...record, headers: { ...record.headers, ...headers } };
  };

  it.each<[string, () => KafkaMessageLike, ContractErrorCode]>([
    ['an unknown event type', () => withHeaders({ ce_type: 'orderflow.orders.v1.OrderTeleported' }), 'UNKNOWN_EVENT_TYPE'],
    ['a non-event message type', () => withHeaders({ ce_type: 'orderflow.orders.v1.OrderLine' }), 'UNKNOWN_EVENT_TYPE'],
    ['no headers at all', () => ({ ...valid(), headers: undefined }), 'MISSING_HEADER'],
    ['no event type', () => withHeaders({ ce_type: undefined }), 'MISSING_HEADER'],
    ['no event id', () => withHeaders({ ce_id: undefined }), 'MISSING_HEADER'],
    ['no occurred-at', () => withHeaders({ ce_time: undefined }), 'MISSING_HEADER'],
    ['no producer', () => withHeaders({ ce_source: undefined }), 'MISSING_HEADER'],
    ['no correlation id', () => withHeaders({ ce_correlationid: undefined }), 'MISSING_HEADER'],
    ['no schema version', () => withHeaders({ ce_schemaversion: undefined }), 'MISSING_HEADER'],
    ['no content type', () => withHeaders({ 'content-type': undefined }), 'MISSING_HEADER'],
    ['an event id that is not a UUID', () => withHeaders({ ce_id: 'evt-1' }), 'MALFORMED_HEADER'],
    ['an empty header', () => withHeaders({ ce_source: '' }), 'MALFORMED_HEADER'],
    ['an occurred-at that is not a timestamp', () => withHeaders({ ce_time: 'yesterday' }), 'MALFORMED_HEADER'],
    ['an occurred-at without a zone', () => withHeaders({ ce_time: '2025-03-01T12:00:00' }), 'MALFORMED_HEADER'],
    ['a schema version other than the type’s', () => withHeaders({ ce_schemaversion: 'v2' }), 'MALFORMED_HEADER'],
    ['a JSON body', () => withHeaders({ 'content-type': 'application/json' }), 'MALFORMED_HEADER'],
    ['another CloudEvents version', () => withHeaders({ ce_specversion: '0.3' }), 'MALFORMED_HEADER'],
    ['a causation id that is not a UUID', () => withHeaders({ ce_causationid: 'because' }), 'MALFORMED_HEADER'],
    [
      'a header repeated with different values',
      () => ({
        ...valid(),
        headers: {
          ...valid().headers,
          ce_type: ['orderflow.orders.v1.OrderCreated', 'x'],
        },
      }),
      'MALFORMED_HEADER',
    ],
    ['no body (a tombstone)', () => ({ ...valid(), value: null }), 'UNDECODABLE_BODY'],
    ['bytes that are not protobuf', () => ({ ...valid(), value: Buffer.from([0xff, 0xff, 0xff]) }), 'UNDECODABLE_BODY'],
    ['a truncated body', () => ({ ...valid(), value: valid().value?.subarray(0, 10) }), 'UNDECODABLE_BODY'],
    ['no key', () => ({ ...valid(), key: null }), 'KEY_MISMATCH'],
    ['a key that is not the body’s order id', () => ({ ...valid(), key: 'another-order' }), 'KEY_MISMATCH'],
  ])('rejects %s', (_, record, code) => {
    expect(codeOf(() => decodeEvent(record()))).toBe(code);
  });

  it('says what is wrong, for the dead-letter record', () => {
    expect(() => decodeEvent(withHeaders({ ce_id: 'evt-1' }))).toThrow('MALFORMED_HEADER: header ce_id must be a UUID, got "evt-1"');
  });

  it.each<[string, () => unknown, ContractErrorCode]>([
    [
      'a message that is not an event',
      () => encodeEvent(OrderCreatedSchema.field.lines.message as never, {} as never, meta),
      'UNKNOWN_EVENT_TYPE',
    ],
    ['an event without an order id', () => encodeEvent(OrderCreatedSchema, { customerId: 'c-1' }, meta), 'INVALID_EVENT'],
    ['an order id that is not a UUID', () => encodeEvent(OrderCreatedSchema, { orderId: 'o-1' }, meta), 'INVALID_EVENT'],
    ['no producer', () => encodeEvent(OrderCreatedSchema, { orderId }, { producer: '' }), 'INVALID_EVENT'],
    ['an event id that is not a UUID', () => encodeEvent(OrderCreatedSchema, { orderId }, { ...meta, eventId: 'e' }), 'INVALID_EVENT'],
    [
      'a causation id that is not a UUID',
      () => encodeEvent(OrderCreatedSchema, { orderId }, { ...meta, causationId: 'c' }),
      'INVALID_EVENT',
    ],
    ['a malformed traceparent', () => encodeEvent(OrderCreatedSchema, { orderId }, { ...meta, traceparent: 'x' }), 'INVALID_EVENT'],
    ['an invalid occurred-at', () => encodeEvent(OrderCreatedSchema, { orderId }, { ...meta, occurredAt: 'soon' }), 'INVALID_EVENT'],
  ])('refuses to publish %s', (_, publish, code) => {
    expect(codeOf(publish)).toBe(code);
  });
});
