import type { Consumer } from 'kafkajs';

/** Where a partition's consumption stands: the next offset to read. */
export interface Position {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * A consumer's offset commits, and the ones the broker refused or never answered (it was
 * restarting, say). Handled messages are not fetched again, so without a retry an idle
 * partition's committed offset would stay behind for good: lag that never drains, and a
 * redelivery after the next rebalance. A failed commit is tried again (`retry`, on a timer)
 * until a newer commit of its partition succeeds or a rejoin makes it moot.
 */
export class OffsetCommits {
  private readonly unacknowledged = new Map<string, Position>();
  /** Group joins so far: a commit that fails across a rejoin is not worth retrying. */
  private joins = 0;

  constructor(private readonly warn: (message: string) => void) {}

  /** The consumer (re)joined: its partitions start again from their committed offsets. */
  joined(): void {
    this.unacknowledged.clear();
    this.joins += 1;
  }

  /** Commits a partition's offset; a failure loses nothing, it is retried later. */
  async commit(consumer: Consumer, position: Position): Promise<void> {
    const key = partitionKey(position.topic, position.partition);
    const joins = this.joins;
    try {
      await consumer.commitOffsets([position]);
      const pending = this.unacknowledged.get(key);
      if (pending !== undefined && BigInt(pending.offset) <= BigInt(position.offset)) this.unacknowledged.delete(key);
    } catch (error) {
      this.warn(`committing ${position.topic}[${position.partition}]@${position.offset} failed: ${(error as Error).message}`);
      if (joins !== this.joins) return;
      const pending = this.unacknowledged.get(key);
      if (pending === undefined || BigInt(pending.offset) < BigInt(position.offset)) this.unacknowledged.set(key, position);
    }
  }

  /** Commits again what failed before. */
  async retry(consumer: Consumer): Promise<void> {
    for (const position of [...this.unacknowledged.values()]) await this.commit(consumer, position);
  }

  /** Commits still owed, for tests and metrics. */
  pending(): Position[] {
    return [...this.unacknowledged.values()];
  }
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
