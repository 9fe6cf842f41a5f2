import { EnvelopeHeader } from '@orderflow/contracts';
import type { Connection, mongo } from 'mongoose';
import { toBuffer, WITH_PENDING_EVENTS, type OutboxMessage, type StoredMessage } from './outbox.entry';
import { hasOutbox, listenToOutbox, type OutboxListener } from './outbox.plugin';

/** Events waiting in some documents of one collection, per document id, oldest first. */
export type PendingEvents = Map<string, OutboxMessage[]>;

type OutboxCollection = mongo.Collection<{ _id: string; outbox: StoredMessage[] }>;

/**
 * The outboxes of every model on a connection whose schema uses the outbox plugin: what
 * waits, its removal once published, and the writes that just stored events. The relay
 * publishes through this, so it needs no collection names and no database driver.
 */
export class OutboxStore {
  constructor(private readonly connection: Connection) {}

  /** The collections with an outbox. */
  collections(): string[] {
    return [...this.byName().keys()];
  }

  /** Calls `listener` after each write that stored events; returns how to stop. */
  listen(listener: OutboxListener): () => void {
    return listenToOutbox(this.connection, listener);
  }

  /** Up to `limit` documents of `collection` with events to publish. */
  async pending(collection: string, limit: number): Promise<PendingEvents> {
    const docs = await waiting(this.collection(collection)).limit(limit).toArray();
    return new Map(docs.map((doc) => [doc._id, doc.outbox.map((entry) => ({ ...entry, value: toBuffer(entry.value) }))]));
  }

  /**
   * Removes published entries, and only them: a writer may have appended more since. The
   * common case is one bulk write that empties each array still ending with what was
   * published; where that did not match every document, the published entries are popped
   * from the front one by one, each only if it is still the one that was published.
   */
  async remove(collection: string, published: PendingEvents): Promise<void> {
    const target = this.collection(collection);
    const cleared = await target.bulkWrite(
      [...published].map(([id, events]) => ({
        updateOne: {
          filter: {
            _id: id,
            [`outbox.${events.length - 1}.eventId`]: events[events.length - 1].eventId,
            [`outbox.${events.length}`]: { $exists: false },
          },
          update: { $set: { outbox: [] } },
        },
      })),
      { ordered: false },
    );
    if (cleared.modifiedCount === published.size) return;
    for (const [id, events] of published) {
      for (const event of events) {
        await target.updateOne({ _id: id, 'outbox.0.eventId': event.eventId }, { $pop: { outbox: -1 } });
      }
    }
  }

  /**
   * Events still waiting and when the oldest of them happened (its envelope's `ce_time`),
   * for the backlog metrics: one scan of the documents that have any.
   */
  async backlog(): Promise<{ events: number; oldest?: Date }> {
    let events = 0;
    let oldest: number | undefined;
    for (const collection of this.byName().values()) {
      const docs = await waiting(collection).toArray();
      for (const doc of docs) {
        events += doc.outbox.length;
        const at = Date.parse(doc.outbox[0]?.headers?.[EnvelopeHeader.time] ?? '');
        if (!Number.isNaN(at) && (oldest === undefined || at < oldest)) oldest = at;
      }
    }
    return oldest === undefined ? { events } : { events, oldest: new Date(oldest) };
  }

  private collection(name: string): OutboxCollection {
    const collection = this.byName().get(name);
    if (!collection) throw new Error(`no model with an outbox stores its documents in ${name}`);
    return collection;
  }

  /** Looked up on each use (a handful of models), so a model compiled later is not missed. */
  private byName(): Map<string, OutboxCollection> {
    return new Map(
      Object.values(this.connection.models)
        .filter(hasOutbox)
        .map((model) => [model.collection.collectionName, model.collection as unknown as OutboxCollection]),
    );
  }
}

/** The documents of `collection` with events to publish, outbox only (served by the sparse index). */
const waiting = (collection: OutboxCollection) => collection.find(WITH_PENDING_EVENTS, { projection: { outbox: 1 } });
