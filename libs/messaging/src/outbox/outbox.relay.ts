import { Logger } from '@nestjs/common';
import { EnvelopeHeader } from '@orderflow/contracts';
import { mongo } from 'mongoose';
import { publishSpans } from '../tracing/message.spans';
import type { EventProducer } from '../event.producer';
import { WITH_PENDING_EVENTS, type OutboxMessage } from './outbox.message';

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

/** Events written to one document and not yet published, in write order. */
type Pending = Map<string, OutboxMessage[]>;

/**
 * Publishes what aggregates left in their `outbox` arrays, then removes exactly what it
 * published. At-least-once: a crash between publishing and removing publishes those events
 * again (same event ids), and consumers deduplicate. Events of one aggregate are published
 * in the order they were written; the idempotent producer keeps that order per partition.
 *
 * Writers call `kick(collection, id, events)` after a write with the events they just
 * stored, and the relay publishes them from memory — no read back — together with whatever
 * else was kicked meanwhile, in one produce request, then clears the published entries of
 * all those documents in one bulk write. A periodic sweep, and one at start-up, scans for
 * anything else pending — what a crashed process wrote but never published — so a crash at
 * any point loses nothing.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly collections: Map<string, Collection>;
  /** Kicked events not yet published, per collection, per document, in kick order. */
  private readonly due = new Map<string, Pending>();
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
    for (const name of this.collections.keys()) this.due.set(name, new Map());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Publish these events now: a writer just stored them in this document's outbox. Without
   * arguments, scan everything soon instead (costlier: a full collection scan).
   */
  kick(collection?: string, id?: string, events?: readonly OutboxMessage[]): void {
    if (collection === undefined || id === undefined || events === undefined) {
      this.lastSweep = 0;
      this.wake?.();
      return;
    }
    const pending = this.due.get(collection);
    if (!pending) throw new Error(`the outbox relay does not watch ${collection}`);
    if (events.length === 0) return;
    // A writer may hand over older events of the document again (see OrderRepository.update).
    const known = new Set((pending.get(id) ?? []).map((event) => event.eventId));
    pending.set(id, [...(pending.get(id) ?? []), ...events.filter((event) => !known.has(event.eventId))]);
    this.wake?.();
  }

  /** Stops the loop after a last full drain, so a graceful shutdown leaves nothing behind. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.drainDue()
      .then(() => this.drain())
      .catch((error: Error) => this.logger.warn(`final drain failed: ${error.message}`));
  }

  /**
   * Events still waiting and when the oldest of them happened (its envelope's `ce_time`),
   * for the backlog metrics: one scan of the documents that have any.
   */
  async backlog(): Promise<{ events: number; oldest?: Date }> {
    let events = 0;
    let oldest: number | undefined;
    for (const collection of this.collections.values()) {
      const docs = await collection.find(WITH_PENDING_EVENTS, { projection: { outbox: 1 } }).toArray();
      for (const doc of docs) {
        events += doc.outbox.length;
        const at = Date.parse(doc.outbox[0]?.headers?.[EnvelopeHeader.time] ?? '');
        if (!Number.isNaN(at) && (oldest === undefined || at < oldest)) oldest = at;
      }
    }
    return oldest === undefined ? { events } : { events, oldest: new Date(oldest) };
  }

  /** Scans every collection and publishes everything pending; resolves with how many events went out. */
  async drain(): Promise<number> {
    let published = 0;
    for (const [name, collection] of this.collections) {
      for (;;) {
        const docs = await collection
          .find(WITH_PENDING_EVENTS, { projection: { outbox: 1 } })
          .limit(this.options.batchSize)
          .toArray();
        if (docs.length === 0) break;
        const pending: Pending = new Map(docs.map((doc) => [doc._id, doc.outbox]));
        published += await this.publish(new Map([[name, pending]]));
        // What the sweep published need not go out again from memory.
        const due = this.due.get(name) as Pending;
        for (const [id, events] of pending) {
          const sent = new Set(events.map((event) => event.eventId));
          const left = (due.get(id) ?? []).filter((event) => !sent.has(event.eventId));
          if (left.length > 0) due.set(id, left);
          else due.delete(id);
        }
        if (docs.length < this.options.batchSize) break;
      }
    }
    return published;
  }

  /** Publishes what writers kicked, a batch at a time; on failure it stays due, ahead of newer kicks. */
  private async drainDue(): Promise<void> {
    while (this.hasDue()) {
      const batch = this.takeDue();
      try {
        await this.publish(batch);
      } catch (error) {
        for (const [name, taken] of batch) {
          const due = this.due.get(name) as Pending;
          const newer = new Map(due);
          due.clear();
          for (const [id, events] of taken) due.set(id, [...events, ...(newer.get(id) ?? [])]);
          for (const [id, events] of newer) if (!taken.has(id)) due.set(id, events);
        }
        throw error;
      }
    }
  }

  private hasDue(): boolean {
    return [...this.due.values()].some((pending) => pending.size > 0);
  }

  /** Up to `batchSize` documents' kicked events, taken out of `due`. */
  private takeDue(): Map<string, Pending> {
    const batch = new Map<string, Pending>();
    let room = this.options.batchSize;
    for (const [name, due] of this.due) {
      const taken: Pending = new Map();
      for (const [id, events] of due) {
        if (room === 0) break;
        taken.set(id, events);
        due.delete(id);
        room -= 1;
      }
      if (taken.size > 0) batch.set(name, taken);
    }
    return batch;
  }

  /** One produce request for every event in `batch`, then their removal; resolves with how many went out. */
  private async publish(batch: Map<string, Pending>): Promise<number> {
    const byTopic = new Map<string, OutboxMessage[]>();
    let count = 0;
    for (const pending of batch.values()) {
      for (const events of pending.values()) {
        for (const event of events) {
          const messages = byTopic.get(event.topic);
          if (messages) messages.push(event);
          else byTopic.set(event.topic, [event]);
          count += 1;
        }
      }
    }
    if (count === 0) return 0;
    const topicMessages = [...byTopic].map(([topic, messages]) => {
      const spans = publishSpans(messages);
      return {
        spans,
        topic,
        messages: messages.map((m, i) => ({ key: m.key, value: toBuffer(m.value), headers: spans.headers[i] })),
      };
    });
    try {
      await this.producer.sendBatch({ topicMessages: topicMessages.map(({ topic, messages }) => ({ topic, messages })) });
    } catch (error) {
      for (const { spans } of topicMessages) spans.end(error);
      throw error;
    }
    for (const { spans } of topicMessages) spans.end();
    for (const [name, pending] of batch) await this.remove(this.collections.get(name) as Collection, pending);
    return count;
  }

  /**
   * Removes the published entries, and only them: a writer may have appended more since.
   * The common case is one bulk write that empties each array still ending with what was
   * published; where that did not match every document, the published entries are popped
   * from the front one by one, each only if it is still the one that was published.
   */
  private async remove(collection: Collection, pending: Pending): Promise<void> {
    const cleared = await collection.bulkWrite(
      [...pending].map(([id, events]) => ({
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
    if (cleared.modifiedCount === pending.size) return;
    for (const [id, events] of pending) {
      for (const event of events) {
        await collection.updateOne({ _id: id, 'outbox.0.eventId': event.eventId }, { $pop: { outbox: -1 } });
      }
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
      if (!this.hasDue() && this.lastSweep !== 0) {
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
