/**
 * The Kafka envelope of every event: key = order id, value = protobuf binary body, and
 * metadata in headers named after the CloudEvents Kafka binding (binary mode), so generic
 * tools (kcat, Kafka UIs, CloudEvents SDKs) can read them without our code. The trace
 * headers keep their plain W3C names because that is where OpenTelemetry's Kafka
 * propagation looks.
 */
import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { ContractError } from './contract.error';
import { findEventSchema, schemaVersionOf } from './event.registry';
import { UUID } from './formats/ids.format';
import type { EventMessage } from './event.registry';

export const EnvelopeHeader = {
  specVersion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  schemaVersion: 'ce_schemaversion',
  correlationId: 'ce_correlationid',
  causationId: 'ce_causationid',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

const SPEC_VERSION = '1.0';
const CONTENT_TYPE = 'application/protobuf';

/** Metadata a producer supplies; the rest of the envelope is derived. */
export interface EncodeMeta {
  /** Service name of the producer, e.g. `order-api`. */
  readonly producer: string;
  /** UUID of this event; pass the id stored in the outbox so a re-publish keeps it. */
  readonly eventId?: string;
  /** When the fact happened; defaults to now. */
  readonly occurredAt?: Date | string;
  /** Id of the event this one reacts to; see `causedBy`. */
  readonly causationId?: string;
  /** W3C trace context of the producing span. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** The envelope metadata of a decoded event. */
export interface EventMeta {
  readonly eventId: string;
  /** The package major version of the type, e.g. `v1`. */
  readonly schemaVersion: string;
  /** ISO-8601 UTC. */
  readonly occurredAt: string;
  readonly producer: string;
  /** The order id: every event of one order shares it. */
  readonly correlationId: string;
  readonly causationId?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** What kafkajs' `producer.send` takes as one message. */
export interface EncodedEvent {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** Structurally a kafkajs `KafkaMessage`, or anything shaped like one. */
export interface KafkaMessageLike {
  readonly key?: Buffer | string | null;
  readonly value?: Buffer | Uint8Array | null;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/** A decoded event; narrowing on `type` (or with `isEvent`) types `message`. */
export type DecodedEvent<M extends EventMessage = EventMessage> = M extends EventMessage
  ? {
      readonly type: M['$typeName'];
      readonly schema: GenMessage<M>;
      readonly message: M;
      readonly meta: EventMeta;
    }
  : never;

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
// RFC 3339 with a zone, as CloudEvents requires; Date.parse alone accepts far more.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function encodeEvent<M extends EventMessage>(
  schema: GenMessage<M>,
  message: M | MessageInitShape<GenMessage<M>>,
  meta: EncodeMeta,
): EncodedEvent {
  if (!findEventSchema(schema.typeName)) {
    throw new ContractError('UNKNOWN_EVENT_TYPE', `${schema.typeName} is not a registered event`);
  }
  const event = create(schema, message as MessageInitShape<GenMessage<M>>);
  const orderId = event.orderId;
  if (!UUID.test(orderId)) invalid(`orderId must be a UUID, got "${orderId}"`);
  if (typeof meta.producer !== 'string' || !SERVICE_NAME.test(meta.producer)) {
    invalid(`producer must be a service name, got "${String(meta.producer)}"`);
  }
  const eventId = meta.eventId ?? randomUUID();
  if (!UUID.test(eventId)) invalid(`eventId must be a UUID, got "${eventId}"`);
  if (meta.causationId !== undefined && !UUID.test(meta.causationId)) {
    invalid(`causationId must be a UUID, got "${meta.causationId}"`);
  }
  if (meta.traceparent !== undefined && !TRACEPARENT.test(meta.traceparent)) {
    invalid(`traceparent is not W3C trace context: "${meta.traceparent}"`);
  }
  const occurredAt = new Date(meta.occurredAt ?? Date.now());
  if (Number.isNaN(occurredAt.getTime())) invalid(`occurredAt is not a date: "${String(meta.occurredAt)}"`);

  const headers: Record<string, string> = {
    [EnvelopeHeader.specVersion]: SPEC_VERSION,
    [EnvelopeHeader.id]: eventId,
    [EnvelopeHeader.type]: schema.typeName,
    [EnvelopeHeader.source]: meta.producer,
    [EnvelopeHeader.time]: occurredAt.toISOString(),
    [EnvelopeHeader.schemaVersion]: schemaVersionOf(schema.typeName),
    [EnvelopeHeader.correlationId]: orderId,
    [EnvelopeHeader.contentType]: CONTENT_TYPE,
  };
  if (meta.causationId !== undefined) headers[EnvelopeHeader.causationId] = meta.causationId;
  if (meta.traceparent !== undefined) headers[EnvelopeHeader.traceparent] = meta.traceparent;
  if (meta.tracestate !== undefined) headers[EnvelopeHeader.tracestate] = meta.tracestate;

  return { key: orderId, value: Buffer.from(toBinary(schema, event)), headers };
}

/**
 * Decodes and checks a consumed message. Throws `ContractError` for anything that breaks
 * the contract; fields this build does not know are kept on the message (`$unknown`), so
 * an older reader accepts a newer writer and re-encoding loses nothing.
 */
export function decodeEvent(record: KafkaMessageLike): DecodedEvent {
  const headers = record.headers ?? {};
  const type = required(headers, EnvelopeHeader.type);
  const schema = findEventSchema(type);
  if (!schema) throw new ContractError('UNKNOWN_EVENT_TYPE', `no event schema for ${type}`);

  checked(headers, EnvelopeHeader.specVersion, (v) => v === SPEC_VERSION, `must be ${SPEC_VERSION}`);
  checked(headers, EnvelopeHeader.contentType, (v) => v === CONTENT_TYPE, `must be ${CONTENT_TYPE}`);
  const schemaVersion = schemaVersionOf(type);
  checked(headers, EnvelopeHeader.schemaVersion, (v) => v === schemaVersion, `must be ${schemaVersion} for ${type}`);
  const eventId = checked(headers, EnvelopeHeader.id, (v) => UUID.test(v), 'must be a UUID');
  const time = checked(headers, EnvelopeHeader.time, isRfc3339, 'must be an RFC 3339 timestamp');
  const producer = checked(headers, EnvelopeHeader.source, (v) => SERVICE_NAME.test(v), 'must be a service name');
  const correlationId = required(headers, EnvelopeHeader.correlationId);
  const causationId = optional(headers, EnvelopeHeader.causationId);
  if (causationId !== undefined && !UUID.test(causationId)) {
    throw malformed(EnvelopeHeader.causationId, 'must be a UUID');
  }

  if (record.value === null || record.value === undefined) {
    throw new ContractError('UNDECODABLE_BODY', `${type} has no body`);
  }
  let message: EventMessage;
  try {
    message = fromBinary(schema, record.value);
  } catch (cause) {
    throw new ContractError('UNDECODABLE_BODY', `body is not a valid ${type}`, {
      cause,
    });
  }

  const key = record.key === null || record.key === undefined ? undefined : text(record.key);
  if (key !== message.orderId) {
    throw new ContractError('KEY_MISMATCH', `key "${key ?? ''}" is not the body's order id "${message.orderId}"`);
  }

  const meta: EventMeta = {
    eventId,
    schemaVersion,
    occurredAt: new Date(time).toISOString(),
    producer,
    correlationId,
    ...(causationId !== undefined && { causationId }),
    ...traceContext(headers),
  };
  return { type, schema, message, meta } as DecodedEvent;
}

/** Narrows a decoded event to one schema's message type. */
export function isEvent<M extends EventMessage>(event: DecodedEvent, schema: GenMessage<M>): event is DecodedEvent<M> {
  return event.type === schema.typeName;
}

/** Metadata for an event published in reaction to `event`: it continues its causal chain and trace. */
export function causedBy(event: DecodedEvent): Pick<EncodeMeta, 'causationId' | 'traceparent' | 'tracestate'> {
  const { eventId, traceparent, tracestate } = event.meta;
  return {
    causationId: eventId,
    ...(traceparent !== undefined && { traceparent }),
    ...(tracestate !== undefined && { tracestate }),
  };
}

type Headers = NonNullable<KafkaMessageLike['headers']>;

function text(value: Buffer | Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
}

/** kafkajs hands a header over as a Buffer, a string, or an array when it was repeated. */
function optional(headers: Headers, name: string): string | undefined {
  const raw = headers[name];
  if (raw === undefined || raw === null) return undefined;
  const values = [...new Set((Array.isArray(raw) ? raw : [raw]).map(text))];
  if (values.length === 0) return undefined;
  if (values.length > 1) throw malformed(name, `has ${values.length} different values`);
  if (values[0] === '') throw malformed(name, 'is empty');
  return values[0];
}

function required(headers: Headers, name: string): string {
  const value = optional(headers, name);
  if (value === undefined) throw new ContractError('MISSING_HEADER', `header ${name} is missing`);
  return value;
}

function checked(headers: Headers, name: string, valid: (value: string) => boolean, rule: string): string {
  const value = required(headers, name);
  if (!valid(value)) throw malformed(name, `${rule}, got "${value}"`);
  return value;
}

/** A broken trace header must not cost the event: W3C says to ignore it and start a new trace. */
function traceContext(headers: Headers): Pick<EventMeta, 'traceparent' | 'tracestate'> {
  try {
    const traceparent = optional(headers, EnvelopeHeader.traceparent);
    if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return {};
    const tracestate = optional(headers, EnvelopeHeader.tracestate);
    return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
  } catch {
    return {};
  }
}

function malformed(name: string, problem: string): ContractError {
  return new ContractError('MALFORMED_HEADER', `header ${name} ${problem}`);
}

function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

function invalid(problem: string): never {
  throw new ContractError('INVALID_EVENT', problem);
}
