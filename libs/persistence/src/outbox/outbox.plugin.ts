import type { Connection, Model, Query, Schema } from 'mongoose';
import type { StoredModel } from '../stored.model';
import { OutboxMessageSchema, toBuffer, type OutboxMessage, type StoredMessage } from './outbox.entry';

/** Hears of events just written to a document's outbox: its collection, its id, the events oldest first. */
export type OutboxListener = (collection: string, id: string, events: OutboxMessage[]) => void;

/** Schemas that declared the plugin: the relay publishes their models' outboxes. */
const withOutbox = new WeakSet<Schema>();
const listeners = new WeakMap<Connection, Set<OutboxListener>>();

/**
 * Gives an aggregate an outbox: an `outbox` array of events the same atomic write stores
 * with the change, the sparse index the relay's sweep reads, and hooks that announce the
 * events a write stored, so they are published at once without the writer naming anything.
 *
 * Announced: `create`/`save` (the document's whole outbox), `insertMany`, `updateOne` and
 * `findOneAndUpdate` that `$push` to `outbox` on one document named by `_id` (the whole
 * stored outbox when the update returns it, oldest first). Any other write that stores
 * events (`updateMany`, `bulkWrite`, a raw collection) is not announced: the relay's sweep
 * publishes it later, so it is slower but never lost.
 */
export function outboxPlugin(schema: Schema): void {
  withOutbox.add(schema);
  schema.add({ outbox: { type: [OutboxMessageSchema], default: [] } });
  // Sparse: a document whose outbox is empty has no `outbox.eventId`, so only documents with
  // pending events are in the index, and it stays as small as the backlog.
  schema.index({ 'outbox.eventId': 1 }, { sparse: true });

  schema.post('save', function (doc) {
    announce(doc.db, doc.collection.collectionName, doc._id, doc.get('outbox'));
  });
  schema.post('insertMany', function (docs: unknown) {
    const model = this as Model<unknown>;
    for (const doc of docs as Written[]) announce(model.db, model.collection.collectionName, doc._id, doc.outbox);
  });
  schema.post<Query<UpdateResult, unknown>>('updateOne', { document: false, query: true }, function (result) {
    if (result.modifiedCount + result.upsertedCount !== 1) return;
    const id = result.upsertedId ?? this.getFilter()['_id'];
    announce(this.model.db, this.model.collection.collectionName, id, pushedEvents(this));
  });
  schema.post<Query<Written | null, unknown>>('findOneAndUpdate', function (result) {
    // Without `includeResultMetadata` the result is the document itself.
    const doc = result as Written | null;
    if (!doc?._id) return;
    const options = this.getOptions();
    const returnsAfter = options.returnDocument === 'after' || options.new === true;
    // Another process may not have published the document's earlier events yet: announcing
    // the whole stored outbox keeps this document's events in write order on Kafka.
    const events = returnsAfter && Array.isArray(doc.outbox) ? doc.outbox : pushedEvents(this);
    announce(this.model.db, this.model.collection.collectionName, doc._id, events);
  });
}

/** Whether `model` stores an outbox (its schema uses {@link outboxPlugin}). */
export const hasOutbox = (model: Model<unknown>): boolean => withOutbox.has(model.schema);

/**
 * Announces events a write stored that the hooks do not see (a bulk write, a raw collection):
 * `model`'s document `id` now holds them in its outbox.
 */
export function announceEvents(model: StoredModel, id: string, events: readonly (OutboxMessage | StoredMessage)[]): void {
  announce(model.db, model.collection.collectionName, id, events);
}

/** Calls `listener` after every announced write through `connection`; returns how to stop. */
export function listenToOutbox(connection: Connection, listener: OutboxListener): () => void {
  const set = listeners.get(connection) ?? new Set<OutboxListener>();
  listeners.set(connection, set);
  set.add(listener);
  return () => set.delete(listener);
}

/** A written document as a hook sees it: hydrated, lean, or projected. */
interface Written {
  _id: unknown;
  outbox?: unknown;
}

interface UpdateResult {
  modifiedCount: number;
  upsertedCount: number;
  upsertedId?: unknown;
}

function announce(connection: Connection, collection: string, id: unknown, events: unknown): void {
  const set = listeners.get(connection);
  if (!set || set.size === 0 || typeof id !== 'string' || !Array.isArray(events) || events.length === 0) return;
  const plain = events.map(toMessage);
  for (const listener of set) listener(collection, id, plain);
}

/** What the update `$push`ed to `outbox`, as given or as mongoose cast it (`{ $each: [...] }`). */
function pushedEvents(query: Query<unknown, unknown>): unknown[] {
  const update = query.getUpdate() as { $push?: { outbox?: unknown } } | null;
  const pushed = update?.$push?.outbox;
  if (pushed === undefined) return [];
  const each = (pushed as { $each?: unknown }).$each;
  return Array.isArray(each) ? each : [pushed];
}

/** A plain entry from a stored, cast or lean one. */
function toMessage(entry: StoredMessage): OutboxMessage {
  return {
    eventId: entry.eventId,
    type: entry.type,
    topic: entry.topic,
    key: entry.key,
    value: toBuffer(entry.value),
    headers: entry.headers,
  };
}
