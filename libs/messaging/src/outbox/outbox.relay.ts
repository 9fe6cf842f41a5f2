import { Logger } from '@nestjs/common';
import { mongo } from 'mongoose';
import type { EventProducer } from '../event.producer';
import type { OutboxMessage } from './outbox.message';

interface WithOutbox extends mongo.Document {
  _id: string;
  outbox: OutboxMessage[];
}

export interface OutboxRelayOptions {
  /** How often to look for events a crashed or busy writer left behind. */
  sweepIntervalMs: number;
  /** Aggregates taken per sweep, so one sweep stays short. */
  batchSize: number;
}

/**
 * Publishes what aggregates left in their `outbox` arrays, then removes exactly what it
 * published. At-least-once: a crash between publishing and removing publishes those events
 * again (same event ids), and consumers deduplicate. Events of one aggregate are published
 * in the order they were written; the idempotent producer keeps that order per partition.
 *
 * Writers call `kick()` after a write so events go out at once; the periodic sweep is the
 * safety net that makes a crash at any point lose nothing.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pending = false;

  constructor(
    private readonly producer: EventProducer,
    private readonly collections: mongo.Collection<WithOutbox>[],
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publish soon: a writer just stored events. */
  kick(): void {
    this.pending = true;
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
    for (const collection of this.collections) {
      const docs = await collection.find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 } }).toArray();
      total += docs.reduce((n, doc) => n + doc.outbox.length, 0);
    }
    return total;
  }

  /** Publishes everything pending now; resolves with how many events went out. */
  async drain(): Promise<number> {
    let published = 0;
    for (const collection of this.collections) {
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

  private async publish(collection: mongo.Collection<WithOutbox>, docs: WithOutbox[]): Promise<number> {
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
  private async remove(collection: mongo.Collection<WithOutbox>, doc: WithOutbox): Promise<void> {
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
      this.pending = false;
      try {
        await this.drain();
      } catch (error) {
        // Kafka or MongoDB is unavailable: nothing was removed that was not published.
        this.logger.warn(`outbox relay: ${(error as Error).message}; retrying`);
      }
      if (!this.running) break;
      if (!this.pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.sweepIntervalMs);
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
