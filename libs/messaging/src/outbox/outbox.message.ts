import { encodeEvent, EnvelopeHeader, topicOf, type EncodeMeta, type EventMessage } from '@orderflow/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { currentTraceparent } from '@orderflow/observability';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import type { OutboxMessage } from '@orderflow/persistence';

/**
 * Encodes an event for the outbox: topic from the registry, envelope from the contracts.
 * Unless given, its `traceparent` is that of the work under way (the request or the event
 * being handled), so the relay can publish it, later and in a batch, as part of that trace.
 */
export function encodeForOutbox<M extends EventMessage>(
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
