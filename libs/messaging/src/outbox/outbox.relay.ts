import { Logger } from '@nestjs/common';
import type { OutboxMessage, OutboxStore, PendingEvents } from '@orderflow/persistence';
import type { EventProducer } from '../event.producer';

export interface OutboxRelayOptions {
  /** How often to scan for events a crashed writer (or another replica) left behind. */
  sweepIntervalMs: number;
  /** Aggregates taken per batch, so one batch stays short. */
  batchSize: number;
  /**
   * How long published entries stay in their outbox for the document's next write to remove
   * with its own change, before the relay removes them itself (0: at once, after each publish).
   */
  holdPublishedMs?: number;
}

/**
 * Publishes what aggregates left in their outboxes, then removes exactly what it published.
 * At-least-once: a crash between publishing and removing publishes those events again (same
 * event ids), and consumers deduplicate. Events of one aggregate are published in the order
 * they were written; the idempotent producer keeps that order per partition.
 *
 * The store tells the relay of each write that stored events, with the events, and the
 * relay publishes them from memory — no read back — together with whatever else was written
 * meanwhile, in one produce request, then clears the published entries of all those
 * documents in one bulk write. A periodic sweep, and one at start-up, scans for anything
 * else pending — what a crashed process wrote but never published — so a crash at any
 * point loses nothing.
 *
 * With `holdPublishedMs`, the removal waits that long: a write the document gets meanwhile
 * removes them with its own change, and one bulk write removes the rest. A crash in between
 * publishes those entries again, as a crash between publishing and removing always did.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  /** Written events not yet published, per collection, per document, in write order. */
  private readonly due = new Map<string, PendingEvents>();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastSweep = 0;
  private stopListening?: () => void;

  constructor(
    private readonly producer: EventProducer,
    private readonly store: OutboxStore,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopListening = this.store.listen((collection, id, events) => this.written(collection, id, events));
    this.loop = this.run();
  }

  /** A writer just stored these events in this document's outbox: publish them now. */
  private written(collection: string, id: string, events: readonly OutboxMessage[]): void {
    // A write may announce older events of the document again (the whole stored outbox): what
    // is due already, or what this relay published and has not removed yet, is not due again.
    const known = new Set((this.due.get(collection)?.get(id) ?? []).map((event) => event.eventId));
    const fresh = events.filter((event) => !known.has(event.eventId) && !this.store.isPublished(collection, id, event.eventId));
    if (fresh.length === 0) return;
    const pending = this.due.get(collection) ?? new Map<string, OutboxMessage[]>();
    this.due.set(collection, pending);
    pending.set(id, [...(pending.get(id) ?? []), ...fresh]);
    this.wake?.();
  }

  /** Stops the loop after a last full drain, so a graceful shutdown leaves nothing behind. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopListening?.();
    this.wake?.();
    await this.loop;
    await this.drainDue()
      .then(() => this.drain())
      .then(() => this.removePublished(0))
      .catch((error: Error) => this.logger.warn(`final drain failed: ${error.message}`));
  }

  /** Scans every collection and publishes everything pending; resolves with how many events went out. */
  async drain(): Promise<number> {
    let published = 0;
    for (const name of this.store.collections()) {
      // What this relay has in hand is left alone: what it published waits for the document's
      // next write to remove it (removing it here would cost the write the hold saves, for
      // every document written in the last seconds), and what is due goes out from memory.
      let skipped = new Set([...this.store.held(name), ...(this.due.get(name)?.keys() ?? [])]);
      if (skipped.size > MAX_SKIPPED) {
        // Too many to read past (a long broker outage): the held ones are removed first, so
        // that the scan does not publish them again.
        await this.removePublished(0);
        skipped = new Set();
      }
      // Each page reads past the documents left out (the query stays the one the sparse index
      // serves), so it still finds a full batch of the others.
      const limit = this.options.batchSize + skipped.size;
      for (;;) {
        const found = await this.store.pending(name, limit);
        const pending = new Map([...found].filter(([id]) => !skipped.has(id)).slice(0, this.options.batchSize));
        if (pending.size > 0) {
          // Removed at once: the next page of the scan must not find them again.
          published += await this.publish(new Map([[name, pending]]), 0);
          this.forget(name, pending);
        }
        if (pending.size === 0 || found.size < limit) break;
      }
    }
    return published;
  }

  /** What a sweep published need not go out again from memory. */
  private forget(collection: string, published: PendingEvents): void {
    const due = this.due.get(collection);
    if (!due) return;
    for (const [id, events] of published) {
      const sent = new Set(events.map((event) => event.eventId));
      const left = (due.get(id) ?? []).filter((event) => !sent.has(event.eventId));
      if (left.length > 0) due.set(id, left);
      else due.delete(id);
    }
  }

  /** Publishes what writers stored, a batch at a time; on failure it stays due, ahead of newer writes. */
  private async drainDue(): Promise<void> {
    while (this.hasDue()) {
      const batch = this.takeDue();
      try {
        await this.publish(batch, this.holdMs);
      } catch (error) {
        for (const [name, taken] of batch) {
          const due = this.due.get(name) ?? new Map<string, OutboxMessage[]>();
          this.due.set(name, due);
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

  /** Up to `batchSize` documents' written events, taken out of `due`. */
  private takeDue(): Map<string, PendingEvents> {
    const batch = new Map<string, PendingEvents>();
    let room = this.options.batchSize;
    for (const [name, due] of this.due) {
      const taken: PendingEvents = new Map();
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

  /**
   * One produce request for every event in `batch`, then their removal: at once, or once they
   * have waited `holdMs` and no write took it over. Resolves with how many went out.
   */
  private async publish(batch: Map<string, PendingEvents>, holdMs: number): Promise<number> {
    const events = [...batch.values()].flatMap((pending) => [...pending.values()].flat());
    if (events.length === 0) return 0;
    await this.producer.publish(events);
    for (const [name, pending] of batch) {
      if (holdMs > 0) {
        this.store.hold(name, pending);
        continue;
      }
      // Only what this batch published: what others hold still waits for its documents' next writes.
      try {
        await this.store.remove(name, new Map([...pending].map(([id, sent]) => [id, sent.map((event) => event.eventId)])));
      } catch (error) {
        this.store.hold(name, pending);
        throw error;
      }
    }
    return events.length;
  }

  private get holdMs(): number {
    return this.options.holdPublishedMs ?? 0;
  }

  /** Removes the published entries no write removed within `minAgeMs`; what fails is held again. */
  private async removePublished(minAgeMs: number): Promise<void> {
    const due = [...this.store.takePublished(minAgeMs)];
    for (const [n, [name, published]] of due.entries()) {
      try {
        await this.store.remove(name, published);
      } catch (error) {
        for (const [later, ids] of due.slice(n)) this.store.holdAgain(later, ids);
        throw error;
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
        await this.removePublished(this.holdMs);
      } catch (error) {
        // Kafka or MongoDB is unavailable: nothing was removed that was not published.
        this.logger.warn(`outbox relay: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (!this.running) break;
      if (!this.hasDue() && this.lastSweep !== 0) {
        const nextSweep = this.lastSweep + this.options.sweepIntervalMs;
        const wakeAt = Math.min(nextSweep, this.store.nextPublishedDue(this.holdMs) ?? nextSweep);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, wakeAt - Date.now()));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        // Woken by a write: what the rest of this turn of the event loop writes (the other
        // handlers of a consumer batch) goes out in the same produce request.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}

/**
 * How many documents in hand a sweep reads past at most (each page reads them again). At
 * 1,000 orders/s, a 3 s hold keeps about 3,000 documents in hand.
 */
const MAX_SKIPPED = 10_000;
