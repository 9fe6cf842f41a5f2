import type { Consumer } from 'kafkajs';
import { backoffDelay, type BackoffOptions } from './backoff';
import { partitionKey } from './offset.commits';

/**
 * Transient failures, retried forever and never skipped: the failed message stays
 * uncommitted, its partition is rewound to it and paused, and resumed once the backoff is
 * over, so it is delivered again while the other partitions carry on. Counts the attempts
 * of the message each partition is stuck on, for the backoff and the delivery attempt on
 * its span.
 */
export class RetrySchedule {
  private readonly attempts = new Map<string, { offset: string; attempt: number }>();
  private readonly resumes = new Set<NodeJS.Timeout>();

  constructor(private readonly backoff: BackoffOptions) {}

  /** Which attempt this delivery of the message at `offset` is: 1 unless the partition is stuck on it. */
  attemptOf(topic: string, partition: number, offset: string): number {
    const stuck = this.attempts.get(partitionKey(topic, partition));
    return stuck?.offset === offset ? stuck.attempt + 1 : 1;
  }

  /** The partition got past whatever it was stuck on. */
  passed(topic: string, partition: number): void {
    this.attempts.delete(partitionKey(topic, partition));
  }

  /**
   * Rewinds the partition to `offset` and pauses it; unless `stopping`, resumes it after the
   * backoff. Says which attempt failed and how long until the next.
   */
  schedule(
    consumer: Consumer,
    topic: string,
    partition: number,
    offset: string,
    stopping: () => boolean,
  ): { attempt: number; delayMs: number } {
    const key = partitionKey(topic, partition);
    const previous = this.attempts.get(key);
    const attempt = previous?.offset === offset ? previous.attempt + 1 : 1;
    this.attempts.set(key, { offset, attempt });
    consumer.pause([{ topic, partitions: [partition] }]);
    consumer.seek({ topic, partition, offset });
    const delayMs = backoffDelay(attempt, this.backoff);
    if (stopping()) return { attempt, delayMs };
    const timer = setTimeout(() => {
      this.resumes.delete(timer);
      if (!stopping()) consumer.resume([{ topic, partitions: [partition] }]);
    }, delayMs);
    this.resumes.add(timer);
    return { attempt, delayMs };
  }

  /** Cancels every pending resumption (the consumer is closing). */
  cancel(): void {
    for (const timer of this.resumes) clearTimeout(timer);
    this.resumes.clear();
  }
}
