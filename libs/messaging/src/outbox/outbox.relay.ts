import { Logger } from '@nestjs/common';
import { mongo } from 'mongoose';
import type { EventProducer } from '../event.producer';
import type { OutboxMessage } from './outbox.message';

interface WithOutbox extends mongo.Document {
  _id: string;
  outbox: OutboxMessage[];
}

export interface OutboxRelayOptions {
  /** How often to scan for events a crashed writer (or another replica) left behind. */
  sweepIntervalMs: number;
  /** Aggregates taken per batch, so one batch stays short. */
  batchSize: number;
}

type Collection = mongo.Collection<WithOutbox>;

/**
 * Publishes what aggregates left in their `outbox` arrays, then removes exactly what it
 * published. At-least-once: a crash between publishing and removing publishes those events
 * again (same event ids), and consumers deduplicate. Events of one aggregate are published
 * in the order they were written; the idempotent producer keeps that order per partition.
 *
 * Writers call `kick(collection, id)` after a write, and the relay publishes that document
 * at once by its `_id` (the one lookup every MongoDB-compatible store indexes). A periodic
 * sweep, and one at start-up, scans for anything else pending — what a crashed process
 * wrote but never published — so a crash at any point loses nothing.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly collections: Map<string, Collection>;
  private readonly due = new Map<string, Set<string>>();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastSweep = 0;

  constructor(
    private readonly producer: EventProducer,
    collections: Collection[],
    private readonly options: OutboxRelayOptions,
  ) {
    this.collections = new Map(collections.map((collection) => [collection.collectionName, collection]));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Publish this document's outbox now: a writer just stored events in it. Without
   * arguments, scan everything soon instead (costlier: a full collection scan).
   */
  kick(collection?: string, id?: string): void {
    if (collection === undefined || id === undefined) {
      this.lastSweep = 0;
      this.wake?.();
      return;
    }
    if (!this.collections.has(collection)) throw new Error(`the outbox relay does not watch ${collection}`);
    const ids = this.due.get(collection) ?? new Set<string>();
    ids.add(id);
    this.due.set(collection, ids);
    this.wake?.();
  }

  /** Stops the loop after a last full drain, so a graceful shutdown leaves nothing behind. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.drain().catch((error: Error) => this.logger.warn(`final drain failed: ${error.message}`));
  }

  /** Events still waiting, for the backlog metric. */
  async backlog(): Promise<number> {
    let total = 0;
    for (const collection of this.collections.values()) {
      const docs = await collection.find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 } }).toArray();
      total += docs.reduce((n, doc) => n + doc.outbox.length, 0);
    }
    return total;
  }

  /** Scans every collection and publishes everything pending; resolves with how many events went out. */
  async drain(): Promise<number> {
    let published = 0;
    for (const collection of this.collections.values()) {
      for (;;) {
        const docs = await collection
          .find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 } })
          .limit(this.options.batchSize)
          .toArray();
        if (docs.length === 0) break;
        published += await this.publish(collection, docs);
        if (docs.length < this.options.batchSize) break;
      }
    }
    return published;
  }

  /** Publishes the documents writers kicked; on failure they stay due and are tried again. */
  private async drainDue(): Promise<void> {
    for (const [name, ids] of this.due) {
      const collection = this.collections.get(name) as Collection;
      while (ids.size > 0) {
        const batch = [...ids].slice(0, this.options.batchSize);
        batch.forEach((id) => ids.delete(id));
        try {
          const docs = await Promise.all(batch.map((id) => collection.findOne({ _id: id }, { projection: { outbox: 1 } })));
          await this.publish(collection, docs.filter((doc): doc is WithOutbox => doc !== null && doc.outbox.length > 0));
        } catch (error) {
          batch.forEach((id) => ids.add(id));
          throw error;
        }
      }
    }
  }

  private async publish(collection: Collection, docs: WithOutbox[]): Promise<number> {
    if (docs.length === 0) return 0;
    const byTopic = new Map<string, OutboxMessage[]>();
    for (const doc of docs) {
      for (const message of doc.outbox) {
        byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
      }
    }
    await this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({
        topic,
        messages: messages.map((m) => ({ key: m.key, value: toBuffer(m.value), headers: m.headers })),
      })),
    });
    for (const doc of docs) await this.remove(collection, doc);
    return docs.reduce((n, doc) => n + doc.outbox.length, 0);
  }

  /**
   * Removes the published entries, and only them: a writer may have appended more since
   * they were read. The common case is one update that empties the array when it still
   * ends with what was read; otherwise entries are popped from the front one by one, each
   * only if it is still the one that was published.
   */
  private async remove(collection: Collection, doc: WithOutbox): Promise<void> {
    const n = doc.outbox.length;
    const cleared = await collection.updateOne(
      { _id: doc._id, [`outbox.${n - 1}.eventId`]: doc.outbox[n - 1].eventId, [`outbox.${n}`]: { $exists: false } },
      { $set: { outbox: [] } },
    );
    if (cleared.modifiedCount === 1) return;
    for (const message of doc.outbox) {
      await collection.updateOne({ _id: doc._id, 'outbox.0.eventId': message.eventId }, { $pop: { outbox: -1 } });
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (Date.now() - this.lastSweep >= this.options.sweepIntervalMs) {
          this.lastSweep = Date.now();
          // A failed sweep is due again at once (after the pause below), not an interval later.
          await this.drain().catch((error: unknown) => {
            this.lastSweep = 0;
            throw error;
          });
        }
        await this.drainDue();
      } catch (error) {
        // Kafka or MongoDB is unavailable: nothing was removed that was not published.
        this.logger.warn(`outbox relay: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (!this.running) break;
      const idle = [...this.due.values()].every((ids) => ids.size === 0);
      if (idle && this.lastSweep !== 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, this.lastSweep + this.options.sweepIntervalMs - Date.now()));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}

/** The driver returns stored bytes as BSON Binary; mongoose hands them over as Buffer. */
const toBuffer = (value: Buffer | mongo.Binary): Buffer =>
  value instanceof mongo.Binary ? Buffer.from(value.buffer) : Buffer.from(value);
