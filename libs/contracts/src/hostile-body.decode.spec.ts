import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ContractError } from './contract.error';
import { decodeEvent, encodeEvent, type KafkaMessageLike } from './event.envelope';
import { OrderCreatedSchema, OrderLineSchema } from './gen/orderflow/orders/v1/events_pb';

/*
 * A protobuf body is bounded by its schema: no Orderflow message contains itself, so known
 * fields nest two levels at most (an event, its lines or timestamp). What a schema does not
 * bound is what it does not know: unknown fields. A length-delimited one is kept as bytes,
 * never parsed; a group (a wire type protobuf 3 no longer writes) is walked to find its end,
 * and protobuf-es stops that walk, and any message nesting, at 100 levels. These bodies try
 * both, as a hostile producer would, up to the size Kafka lets through by default (1 MiB).
 */

const orderId = '0b8f6c2e-7d1a-4c3b-9e5f-1a2b3c4d5e6f';
const UNKNOWN_FIELD = 15;

/** An OrderCreated exactly as order-api publishes it, with `extra` bytes after its fields. */
function orderCreatedWith(extra: Uint8Array): KafkaMessageLike {
  const record = encodeEvent(
    OrderCreatedSchema,
    { orderId, customerId: 'c-1', lines: [{ sku: 'SKU-1', quantity: 2 }], currency: 'USD' },
    { producer: 'order-api' },
  );
  return { key: record.key, value: Buffer.concat([record.value, extra]), headers: record.headers };
}

/** An unknown group field holding itself `depth` times: two bytes a level. */
function nestedGroups(depth: number, fieldNo = UNKNOWN_FIELD): Uint8Array {
  const start = new BinaryWriter().tag(fieldNo, WireType.StartGroup).finish();
  const end = new BinaryWriter().tag(fieldNo, WireType.EndGroup).finish();
  return Buffer.concat([Buffer.alloc(depth, start), Buffer.alloc(depth, end)]);
}

/** An unknown length-delimited field holding itself `depth` times, innermost empty. */
function nestedLengthDelimited(depth: number): Uint8Array {
  const prefixes: Uint8Array[] = [];
  let length = 0;
  for (let level = 0; level < depth; level++) {
    const prefix = new BinaryWriter().tag(UNKNOWN_FIELD, WireType.LengthDelimited).uint32(length).finish();
    prefixes.push(prefix);
    length += prefix.length;
  }
  return Buffer.concat(prefixes.reverse());
}

function decodeError(record: KafkaMessageLike): unknown {
  try {
    decodeEvent(record);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodeEvent, given bodies built to exhaust it', () => {
  it('keeps a few nested unknown groups, as it keeps any field it does not know', () => {
    const decoded = decodeEvent(orderCreatedWith(nestedGroups(50)));
    expect(decoded.message.orderId).toBe(orderId);
    expect(decoded.message.$unknown).toHaveLength(1);
  });

  it.each([101, 10_000, 500_000])('refuses unknown groups nested %i deep as an undecodable body, without running out of stack', (depth) => {
    const record = orderCreatedWith(nestedGroups(depth));
    expect(record.value?.length).toBeLessThan(1024 * 1024);
    const error = decodeError(record);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'UNDECODABLE_BODY' });
    expect(String((error as Error).cause)).toContain('maximum recursion depth');
  });

  it('refuses nested groups inside a known field (an order line) alike', () => {
    const line = Buffer.concat([toBinary(OrderLineSchema, create(OrderLineSchema, { sku: 'SKU-2', quantity: 1 })), nestedGroups(10_000)]);
    const field = new BinaryWriter().tag(OrderCreatedSchema.field.lines.number, WireType.LengthDelimited).bytes(line).finish();
    expect(decodeError(orderCreatedWith(field))).toMatchObject({ code: 'UNDECODABLE_BODY' });
  });

  it('keeps an unknown field nested 100,000 deep as bytes it never parses, and re-encodes them unchanged', () => {
    const extra = nestedLengthDelimited(100_000);
    expect(extra.length).toBeLessThan(1024 * 1024);
    const decoded = decodeEvent(orderCreatedWith(extra));
    expect(decoded.message.orderId).toBe(orderId);
    expect(decoded.message.$unknown).toHaveLength(1);
    const reencoded = toBinary(OrderCreatedSchema, decoded.message as never);
    expect(Buffer.from(reencoded).subarray(-extra.length).equals(Buffer.from(extra))).toBe(true);
  });
});
