import type { OutboxMessage } from '@orderflow/persistence';
import type { EventProducer } from './event.producer';

/** The broker did not take the events in time, or is known to be down: store them in the outbox, or try again later. */
export class PublishUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishUnavailableError';
  }
}

export interface DirectPublisherOptions {
  /** How long a publish may wait for the broker before the caller falls back to its outbox. */
  timeoutMs: number;
  /** After a publish failed or timed out, how long publishes fail at once rather than wait again. */
  pauseAfterFailureMs: number;
}

interface Waiting {
  events: readonly OutboxMessage[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Publishes events straight to Kafka, without an outbox write. Two kinds of caller use it:
 *
 * - a fact that is true whatever a later write decides (a notification the channel accepted
 *   was sent, stored or not): the caller publishes first and stores its state after; a crash
 *   in between repeats the whole step, and the event, whose id is derived from the fact, is
 *   published again with the same id, which consumers drop;
 * - a decision a consumer's conditional write made (a reservation, an award): the caller
 *   publishes after the write applied and before its handler returns, and the redelivery of
 *   the cause publishes the stored events again (`announcedFor`).
 *
 * What is asked in one turn of the event loop goes out in one produce request. When the
 * broker does not answer within `timeoutMs`, the caller is told at once, and for a while
 * after, so it can store the events in its outbox for the relay, or fail its handler to be
 * delivered again; the send still running
 * may land too, with the same ids.
 */
export class DirectPublisher {
  private waiting: Waiting[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly producer: EventProducer,
    private readonly options: DirectPublisherOptions,
  ) {}

  /** Resolves once the broker took the events; rejects with `PublishUnavailableError` otherwise. */
  publish(events: readonly OutboxMessage[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (Date.now() < this.pausedUntil) return Promise.reject(new PublishUnavailableError('the broker failed a publish just now'));
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ events, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishUnavailableError(`the broker did not take the events within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    const sent = this.producer.publish(batch.flatMap((waiting) => waiting.events));
    // What goes on after the timeout is the producer's own retrying: its outcome no longer matters.
    sent.catch(() => undefined);
    Promise.race([sent, timedOut]).then(
      () => {
        clearTimeout(timer);
        for (const waiting of batch) waiting.resolve();
      },
      (error: Error) => {
        clearTimeout(timer);
        this.pausedUntil = Date.now() + this.options.pauseAfterFailureMs;
        const reason = error instanceof PublishUnavailableError ? error : new PublishUnavailableError(error.message);
        for (const waiting of batch) waiting.reject(reason);
      },
    );
  }
}
