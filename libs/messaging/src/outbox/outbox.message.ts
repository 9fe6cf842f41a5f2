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

/**
 * Documents with events still to publish. It names a field of the entries, not `outbox.0`, so
 * that the sparse index {@link indexOutbox} declares can serve it: the sweep then reads only
 * what waits, however many documents the collection holds.
 */
export const WITH_PENDING_EVENTS = { 'outbox.eventId': { $exists: true } } as const;

/** Declares the index that serves {@link WITH_PENDING_EVENTS} on an aggregate's schema. */
export function indexOutbox(schema: Schema): void {
  // Sparse: a document whose outbox is empty has no `outbox.eventId`, so only documents with
  // pending events are in the index, and it stays as small as the backlog.
  schema.index({ 'outbox.eventId': 1 }, { sparse: true });
}

/** The mongoose shape of one outbox entry; aggregates declare `outbox: [OutboxMessageSchema]` and {@link indexOutbox}. */
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
