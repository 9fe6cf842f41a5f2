import {
  encodeEvent,
  EnvelopeHeader,
  topicOf,
  type EncodeMeta,
  type EventMessage,
} from '@orderflow/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { currentTraceparent } from '@orderflow/observability';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { Schema } from 'mongoose';

/**
 * An event waiting to be published, encoded once when the state change that produced it
 * is written. It lives inside the aggregate's own document (`outbox` array), so the change
 * and its events are one atomic single-document write — no multi-document transaction.
 */
export interface OutboxMessage {
  eventId: string;
  type: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Encodes an event for the outbox: topic from the registry, envelope from the contracts.
 * Unless given, its `traceparent` is that of the work under way (the request or the event
 * being handled), so the relay can publish it, later and in a batch, as part of that trace.
 */
export function outboxMessage<M extends EventMessage>(
  schema: GenMessage<M>,
  init: MessageInitShape<GenMessage<M>>,
  meta: EncodeMeta,
): OutboxMessage {
  const traceparent = meta.traceparent ?? currentTraceparent();
  const encoded = encodeEvent(schema, init, traceparent === undefined ? meta : { ...meta, traceparent });
  return {
    eventId: encoded.headers[EnvelopeHeader.id],
    type: schema.typeName,
    topic: topicOf(schema.typeName).name,
    key: encoded.key,
    value: encoded.value,
    headers: encoded.headers,
  };
}

/** The mongoose shape of one outbox entry; aggregates declare `outbox: [OutboxMessageSchema]`. */
export const OutboxMessageSchema = new Schema<OutboxMessage>(
  {
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    topic: { type: String, required: true },
    key: { type: String, required: true },
    value: { type: Buffer, required: true },
    headers: { type: Object, required: true },
  },
  { _id: false },
);
