import { EnvelopeHeader } from '@orderflow/contracts';
import type { Connection, mongo } from 'mongoose';
import { toBuffer, WITH_PENDING_EVENTS, type OutboxMessage, type StoredMessage } from './outbox.entry';
import { hasOutbox, listenToOutbox, type OutboxListener } from './outbox.plugin';
import {
  heldDocuments,
  holdPublished,
  isPublished,
  nextPublishedDue,
  pullPublished,
  takePublished,
  type PublishedIds,
} from './outbox.published';

/** Events waiting in some documents of one collection, per document id, oldest first. */
export type PendingEvents = Map<string, OutboxMessage[]>;

type OutboxCollection = mongo.Collection<{ _id: string; outbox: StoredMessage[] }>;

/**
 * The outboxes of every model on a connection whose schema uses the outbox plugin: what
 * waits, what was published and waits only for its removal, that removal, and the writes
 * that just stored events. The relay
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
   * Removes published entries, and only them, by event id: a writer may have appended more
   * since. One bulk write for all the documents.
   */
  async remove(collection: string, published: PublishedIds): Promise<void> {
    if (published.size === 0) return;
    await this.collection(collection).bulkWrite(
      [...published].map(([id, eventIds]) => ({ updateOne: { filter: { _id: id }, update: { $pull: pullPublished(eventIds) } } })),
      { ordered: false },
    );
  }

  /** Published entries whose removal waits for the document's next write (`holdPublished`). */
  hold(collection: string, published: ReadonlyMap<string, readonly { eventId: string }[]>): void {
    holdPublished(this.connection, collection, new Map([...published].map(([id, events]) => [id, events.map((e) => e.eventId)])));
  }

  /** The documents of `collection` whose published entries still wait for their removal here. */
  held(collection: string): string[] {
    return heldDocuments(this.connection, collection);
  }

  /** Whether this process published the entry and its removal still waits. */
  isPublished(collection: string, id: string, eventId: string): boolean {
    return isPublished(this.connection, collection, id, eventId);
  }

  /** Takes out the held entries that waited at least `minAgeMs`, per collection, for removal. */
  takePublished(minAgeMs: number): Map<string, PublishedIds> {
    return takePublished(this.connection, minAgeMs);
  }

  /** Holds entries again whose removal failed: they are due at once. */
  holdAgain(collection: string, published: PublishedIds): void {
    holdPublished(this.connection, collection, published, 0);
  }

  /** When the oldest held entry will have waited `minAgeMs`; `undefined` when none is held. */
  nextPublishedDue(minAgeMs: number): number | undefined {
    return nextPublishedDue(this.connection, minAgeMs);
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
        // What this process published waits only for its removal.
        const waiting = doc.outbox.filter((entry) => !isPublished(this.connection, collection.collectionName, doc._id, entry.eventId));
        events += waiting.length;
        const at = Date.parse(waiting[0]?.headers?.[EnvelopeHeader.time] ?? '');
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
