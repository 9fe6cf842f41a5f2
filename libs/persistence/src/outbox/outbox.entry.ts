import { mongo, Schema } from 'mongoose';

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
 * Documents with events still to publish. It names a field of the entries, not `outbox.0`, so
 * that the sparse index the outbox plugin declares can serve it: a sweep then reads only what
 * waits, however many documents the collection holds.
 */
export const WITH_PENDING_EVENTS = { 'outbox.eventId': { $exists: true } } as const;

/** The stored shape of one outbox entry. */
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

/** An entry as read back: the driver returns stored bytes as BSON Binary, mongoose as Buffer. */
export type StoredMessage = Omit<OutboxMessage, 'value'> & { value: Buffer | mongo.Binary };

export const toBuffer = (value: Buffer | mongo.Binary): Buffer =>
  value instanceof mongo.Binary ? Buffer.from(value.buffer) : Buffer.from(value);
