import type { Connection } from 'mongoose';
import type { StoredModel } from '../stored.model';

/** Event ids per document id, of one collection. */
export type PublishedIds = Map<string, string[]>;

interface Held {
  eventIds: string[];
  /** When the first of them was held (ms since the epoch). */
  since: number;
}

/** Per connection, per collection, per document: what this process published and has not removed yet. */
const registries = new WeakMap<Connection, Map<string, Map<string, Held>>>();

function heldIn(connection: Connection, collection: string): Map<string, Held> {
  let byCollection = registries.get(connection);
  if (!byCollection) registries.set(connection, (byCollection = new Map()));
  let byDocument = byCollection.get(collection);
  if (!byDocument) byCollection.set(collection, (byDocument = new Map()));
  return byDocument;
}

/**
 * Outbox entries this process has published but not yet removed. Removing them is a document
 * write of its own, so it waits a little: when the document is written again meanwhile (an
 * order's next change often comes within a second), that write removes them with its own
 * change ({@link claimPublished}); what no write claimed is removed in one bulk write by the
 * relay once it has waited long enough. A crash before either publishes them again at
 * start-up, with the same event ids, which consumers deduplicate.
 */
export function holdPublished(connection: Connection, collection: string, published: PublishedIds, now = Date.now()): void {
  const held = heldIn(connection, collection);
  for (const [id, eventIds] of published) {
    const earlier = held.get(id);
    if (earlier) earlier.eventIds.push(...eventIds.filter((eventId) => !earlier.eventIds.includes(eventId)));
    else held.set(id, { eventIds: [...eventIds], since: now });
  }
}

/** The documents of `collection` with entries this process published and has not removed yet. */
export function heldDocuments(connection: Connection, collection: string): string[] {
  return [...heldIn(connection, collection).keys()];
}

/** Whether this process published the entry and it still waits for its removal. */
export function isPublished(connection: Connection, collection: string, id: string, eventId: string): boolean {
  return heldIn(connection, collection).get(id)?.eventIds.includes(eventId) ?? false;
}

/**
 * Takes out what has waited at least `minAgeMs` (everything with 0), per collection, for the
 * caller to remove; what it fails to remove it holds again.
 */
export function takePublished(connection: Connection, minAgeMs: number, now = Date.now()): Map<string, PublishedIds> {
  const taken = new Map<string, PublishedIds>();
  for (const [collection, held] of registries.get(connection) ?? []) {
    const due: PublishedIds = new Map();
    for (const [id, { eventIds, since }] of held) {
      if (now - since < minAgeMs) continue;
      due.set(id, eventIds);
      held.delete(id);
    }
    if (due.size > 0) taken.set(collection, due);
  }
  return taken;
}

/** When the oldest held entry will have waited `minAgeMs`; `undefined` when nothing is held. */
export function nextPublishedDue(connection: Connection, minAgeMs: number): number | undefined {
  let oldest: number | undefined;
  for (const held of registries.get(connection)?.values() ?? []) {
    for (const { since } of held.values()) if (oldest === undefined || since < oldest) oldest = since;
  }
  return oldest === undefined ? undefined : oldest + minAgeMs;
}

/**
 * For a write about to change document `id` of `model`: what of its outbox this process has
 * published, taken over by that write, which removes it with `$pull` (`pullPublished`). Only
 * a write that matches the document whatever its state may take them, so that they are surely
 * gone once it is acknowledged; if it fails, {@link releasePublished} hands them back.
 */
export function claimPublished(model: StoredModel, id: string): string[] {
  const held = heldIn(model.db, model.collection.collectionName);
  const claimed = held.get(id)?.eventIds ?? [];
  held.delete(id);
  return claimed;
}

/** A claiming write failed: the relay removes these later (they are due at once). */
export function releasePublished(model: StoredModel, id: string, eventIds: string[]): void {
  if (eventIds.length > 0) holdPublished(model.db, model.collection.collectionName, new Map([[id, eventIds]]), 0);
}

/** The update operator that removes these entries from a document's outbox, and only them. */
export const pullPublished = (eventIds: readonly string[]) => ({ outbox: { eventId: { $in: [...eventIds] } } });
