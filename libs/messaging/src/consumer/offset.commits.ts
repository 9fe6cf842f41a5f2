import type { Consumer } from 'kafkajs';

/** Where a partition's consumption stands: the next offset to read. */
export interface Position {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * A consumer's offset commits, gathered: every partition's newest position goes out in one
 * request at most every `intervalMs`, not one request per batch. At a moderate rate each
 * batch holds a message or two, and a commit per batch made offset commits the consumers'
 * most frequent request (three per order across the services at 100 orders/s) and a large
 * share of the broker's work. A commit still follows the handlers whose messages it
 * covers, so a crash only ever redelivers (at most `intervalMs` of messages, which the
 * handlers' idempotency absorbs); `flush` commits what is due before a graceful stop.
 *
 * A commit the broker refused or never answered (it was restarting, say) is owed and tried
 * again (`retry`, on a timer) until a newer commit of its partition succeeds or a rejoin
 * makes it moot. Without that an idle partition's committed offset would stay behind for
 * good: lag that never drains, and a redelivery after the next rebalance.
 */
export class OffsetCommits {
  /** Handled positions not sent yet, newest per partition. */
  private readonly due = new Map<string, Position>();
  private readonly unacknowledged = new Map<string, Position>();
  private timer?: NodeJS.Timeout;
  private consumer?: Consumer;
  /** Group joins so far: a commit that fails across a rejoin is not worth retrying. */
  private joins = 0;
  private stopped = false;

  constructor(
    private readonly warn: (message: string) => void,
    private readonly intervalMs = 100,
  ) {}

  /**
   * The consumer (re)joined: its partitions start again from their committed offsets. What
   * was due is dropped, not sent under the new generation: a partition that moved to another
   * member must not have its offset set back, and what this member handled is redelivered to
   * whoever owns it now, whose handlers are idempotent.
   */
  joined(): void {
    this.due.clear();
    this.unacknowledged.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.joins += 1;
  }

  /** Commits a partition's offset within the interval, with every other partition's then due. */
  commit(consumer: Consumer, position: Position): void {
    if (this.stopped) return;
    this.consumer = consumer;
    owe(this.due, position);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Sends what is due now, in one request; a failure loses nothing, it is owed and retried. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const consumer = this.consumer;
    const positions = [...this.due.values()];
    this.due.clear();
    if (consumer === undefined || positions.length === 0) return;
    const joins = this.joins;
    try {
      await consumer.commitOffsets(positions);
      for (const position of positions) {
        const key = partitionKey(position.topic, position.partition);
        const pending = this.unacknowledged.get(key);
        if (pending !== undefined && BigInt(pending.offset) <= BigInt(position.offset)) this.unacknowledged.delete(key);
      }
    } catch (error) {
      const where = positions.map((p) => `${p.topic}[${p.partition}]@${p.offset}`).join(', ');
      this.warn(`committing ${where} failed: ${(error as Error).message}`);
      if (joins !== this.joins) return;
      for (const position of positions) owe(this.unacknowledged, position);
    }
  }

  /** Commits again what failed before. */
  async retry(consumer: Consumer): Promise<void> {
    if (this.unacknowledged.size === 0) return;
    this.consumer = consumer;
    for (const position of this.unacknowledged.values()) owe(this.due, position);
    await this.flush();
  }

  /** Commits still owed, for tests and metrics. */
  pending(): Position[] {
    return [...this.unacknowledged.values()];
  }

  /**
   * Takes no more commits: the consumer is leaving, and kafkajs would send none for the
   * batches still in flight anyway. What is still due is dropped (call `flush` first).
   */
  stop(): void {
    this.stopped = true;
    this.due.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Records `position` unless a newer one of its partition is there already. */
function owe(positions: Map<string, Position>, position: Position): void {
  const key = partitionKey(position.topic, position.partition);
  const known = positions.get(key);
  if (known === undefined || BigInt(known.offset) < BigInt(position.offset)) positions.set(key, position);
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
