import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { afterFailure, type AttemptFailure, type DeliveryPolicy } from '../domain/delivery.policy';
import { notificationKey, type Notification } from '../domain/notification';
import { SendError, type NotificationSender } from '../domain/notification.sender';
import { sentEvent } from '../notification.events';
import type { NotificationRepository } from '../persistence/notification.repository';
import type { NotificationMetrics } from '../notification.metrics';
import type { DirectPublisher } from '@orderflow/messaging';
import { LogContext } from '@orderflow/observability';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Recording } from '../persistence/notification.insertion';
import { NotificationPairs } from './notification.pairs';

export interface DispatchOptions {
  policy: DeliveryPolicy;
  /** How often to look for due notifications when nobody said there are new ones. */
  pollIntervalMs: number;
  /** Notifications taken per pass and sent side by side. */
  concurrency: number;
  /** How long a claimed attempt may run before another dispatcher may take it over. */
  leaseMs: number;
  /** How long a shutdown waits for the sends in flight. */
  shutdownGraceMs: number;
  /**
   * How long recording a new notification waits for its first attempt: an outcome within it
   * is stored with the notification, in its one write; a slower attempt goes on after the
   * notification is stored PENDING, and its outcome is stored when it comes.
   */
  firstAttemptWaitMs: number;
}

/** The first attempt outlasted `firstAttemptWaitMs`. */
const LATE = Symbol('late');

/**
 * Sends notifications and stores what came of each attempt: SENT, or on failure another
 * attempt after a backoff, or FAILED with the reason once the policy gives up.
 *
 * A new notification's first attempt is made as it is recorded (`deliver`), and its outcome
 * is stored with it, in one write — shared with its order's companion notification when that
 * comes within moments (`NotificationPairs`: an order's confirmation and its points). The
 * recording waits for that attempt at most `firstAttemptWaitMs`: a slow channel then has the
 * notification stored PENDING with the attempt claimed, and the recording goes on. Later attempts run apart from the consumer:
 * each pass takes the due PENDING notifications, claims each attempt with a lease, sends and
 * stores the outcome, so a failing channel never holds up consuming (or another notification).
 *
 * Nothing is lost in a crash: an attempt cut short leaves its notification PENDING, and
 * once the lease runs out it is due again — so delivery is at least once, and a receiver
 * that cares deduplicates by the notification id.
 *
 * An outcome's `NotificationSent` is published before the outcome is stored, when a
 * publisher is given: the channel's answer made it true, whatever the write finds, so it
 * needs no outbox entry (and no second write to remove one). A crash in between repeats the
 * attempt, and the event, whose id the notification and outcome decide, is the same one
 * again. When the broker does not take it in time, it goes into the outbox with the outcome.
 */
export class NotificationDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationDispatcher.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pending = false;
  /** Notifications due again after a failed attempt here: sent without a scan. */
  private readonly offered: Notification[] = [];
  /** First attempts that outlasted `firstAttemptWaitMs`, until their outcome is stored. */
  private readonly late = new Set<Promise<void>>();
  /**
   * New notifications being sent and recorded here, by order and kind: another delivery of the
   * same event meanwhile (its consumer does not wait for the recording) sends nothing, and is
   * done when that recording is — failed if it failed, so that its event is handled again.
   */
  private readonly recording = new Map<string, Promise<boolean>>();
  /** Timers that offer a failed notification again once its backoff is over. */
  private readonly retries = new Set<NodeJS.Timeout>();
  private lastPoll = 0;
  /** New notifications, each waiting moments for its companion to be stored with it. */
  private readonly pairs = new NotificationPairs((recordings) => this.storeNew(recordings));

  constructor(
    private readonly repository: NotificationRepository,
    private readonly sender: NotificationSender,
    private readonly options: DispatchOptions,
    private readonly metrics: NotificationMetrics,
    private readonly publisher?: Pick<DirectPublisher, 'publish'>,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(`sending notifications through the ${this.sender.name} sender`);
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Records a new notification with its first attempt: `false` if it is recorded already (by
   * another delivery of its event). The attempt is made at once; its outcome, if it comes
   * within `firstAttemptWaitMs`, is stored with the notification, otherwise the notification
   * is stored PENDING with the attempt claimed, and the outcome when it comes.
   *
   * While `concurrency` first attempts are still running after the wait (the channel is
   * slow), a new notification makes none: it is recorded as it is and handed to the loop, which
   * sends `concurrency` at a time, so a slow channel gets no more requests at once than those
   * late attempts and the loop's. A dispatcher that is not running records the notification as
   * it is, for a scan to send.
   */
  async deliver(notification: Notification): Promise<boolean> {
    const key = notificationKey(notification.orderId, notification.kind);
    const inFlight = this.recording.get(key);
    if (inFlight) {
      // Its partition went back (another event's effect failed) while this one was still being
      // recorded: answering at once would let its offset be committed before the recording is
      // stored, and a recording that then fails would be lost.
      await inFlight;
      return false;
    }
    const delivered = this.deliverNew(notification);
    this.recording.set(key, delivered);
    try {
      return await delivered;
    } finally {
      this.recording.delete(key);
    }
  }

  private async deliverNew(notification: Notification): Promise<boolean> {
    if (!this.running || this.late.size >= this.options.concurrency) {
      if (!(await this.pairs.add({ notification, event: null }))) return false;
      if (this.running) this.offer(notification);
      return true;
    }
    const now = new Date();
    const claimed = { ...notification, attempts: notification.attempts + 1, nextAttemptAt: new Date(now.getTime() + this.options.leaseMs) };
    const context = describe(claimed);
    const attempt = this.attemptSend(claimed);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      attempt,
      new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), this.options.firstAttemptWaitMs))),
    ]);
    clearTimeout(timer);
    if (outcome !== LATE) return this.settle(claimed, outcome, context, true);
    if (!(await this.pairs.add({ notification: claimed, event: null }))) return false;
    const settled = attempt
      .then((failure) => this.settle(claimed, failure, context, false))
      .then(
        () => undefined,
        (error: Error) => this.logger.warn(`${context}: ${error.message}; it stays pending`),
      )
      .finally(() => this.late.delete(settled));
    this.late.add(settled);
    return true;
  }

  /** Look for due notifications soon (a scan of the pending ones). */
  kick(): void {
    this.lastPoll = 0;
    this.pending = true;
    this.wake?.();
  }

  /** Send this notification soon, without waiting for a scan to find it. */
  offer(notification: Notification): void {
    this.offered.push(notification);
    this.pending = true;
    this.wake?.();
  }

  /** Takes no new work and waits (up to the grace period) for the sends in flight. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // Their notifications are stored as due: a scan after the restart finds them.
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all([this.loop, ...this.late]).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.options.shutdownGraceMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.logger.warn(`sends still in flight after ${this.options.shutdownGraceMs} ms stay pending and are retried after a restart`);
    }
  }

  /** Offers a notification again once its backoff is over, unless the dispatcher stopped by then. */
  private retryAt(notification: Notification, delayMs: number): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      if (this.running) this.offer(notification);
    }, delayMs);
    this.retries.add(timer);
  }

  /** One pass over what is due now; resolves with how many notifications were due. */
  async dispatchDue(): Promise<number> {
    const due = await this.repository.due(new Date(), this.options.concurrency);
    await Promise.all(due.map((notification) => this.attempt(notification)));
    return due.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pending = false;
      let more = false;
      try {
        if (this.offered.length > 0) {
          await Promise.all(this.offered.splice(0, this.options.concurrency).map((notification) => this.attempt(notification)));
          more = this.offered.length > 0;
        } else if (Date.now() - this.lastPoll >= this.options.pollIntervalMs) {
          this.lastPoll = Date.now();
          more = (await this.dispatchDue()) >= this.options.concurrency;
          if (more) this.lastPoll = 0;
        }
      } catch (error) {
        // MongoDB is unavailable: nothing changed that was not stored; look again later.
        this.logger.warn(`notification dispatcher: ${(error as Error).message}; retrying`);
      }
      if (this.running && !more && !this.pending) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, this.lastPoll + this.options.pollIntervalMs - Date.now()));
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => (this.wake = undefined));
  }

  /**
   * Sends also run from timers and sweeps, outside the scope of the message that recorded
   * them: the order goes on their log lines all the same (the message's own fields when
   * this runs inside it).
   */
  private attempt(notification: Notification): Promise<void> {
    const scope = LogContext.current();
    const fields = scope?.order_id === notification.orderId ? { ...scope } : { order_id: notification.orderId };
    return LogContext.run(fields, () => this.claimAndSend(notification));
  }

  /** Claims, sends and settles one notification; never throws, so one cannot stop the others. */
  private async claimAndSend(notification: Notification): Promise<void> {
    const context = describe(notification);
    try {
      const now = new Date();
      if (!(await this.repository.claim(notification, now, new Date(now.getTime() + this.options.leaseMs)))) return;
      const claimed = { ...notification, attempts: notification.attempts + 1 };
      await this.settle(claimed, await this.attemptSend(claimed), context, false);
    } catch (error) {
      // Storing the outcome failed: the claim runs out and the attempt is made again.
      this.logger.warn(`${context}: ${(error as Error).message}; it stays pending`);
    }
  }

  /** One attempt through the sender: what went wrong, or nothing if the channel took it. */
  private async attemptSend(claimed: Notification): Promise<AttemptFailure | undefined> {
    try {
      await this.sender.send(claimed);
      return undefined;
    } catch (error) {
      return error instanceof SendError ? error : { message: (error as Error).message ?? String(error), retryable: true };
    }
  }

  /**
   * Stores what came of an attempt: on the stored notification (`isNew` false), or as the new
   * notification's first write. `false` if that write did not apply (another attempt or
   * delivery got there first).
   */
  private async settle(claimed: Notification, failure: AttemptFailure | undefined, context: string, isNew: boolean): Promise<boolean> {
    const at = new Date();
    if (!failure) {
      if (!(await this.store(claimed, { status: 'SENT' }, at, isNew))) return false;
      this.metrics.attempted(claimed.kind, 'sent');
      this.logger.log(`${context}: sent (attempt ${claimed.attempts})`);
      return true;
    }
    const decision = afterFailure(claimed.attempts, failure, this.options.policy);
    if (decision.next === 'retry') {
      const next = new Date(at.getTime() + decision.delayMs);
      const rescheduled = isNew
        ? await this.pairs.add({
            notification: { ...claimed, lastError: failure.message, nextAttemptAt: next, updatedAt: at },
            event: null,
          })
        : await this.repository.reschedule(claimed, failure.message, next, at);
      if (!rescheduled) return false;
      this.retryAt({ ...claimed, lastError: failure.message, nextAttemptAt: next }, decision.delayMs);
      this.metrics.attempted(claimed.kind, 'retry');
      this.logger.warn(`${context}: attempt ${claimed.attempts} failed (${failure.message}); retrying in ${decision.delayMs} ms`);
      return true;
    }
    if (!(await this.store(claimed, { status: 'FAILED', reason: decision.reason }, at, isNew))) return false;
    this.metrics.attempted(claimed.kind, 'failed');
    this.logger.error(`${context}: FAILED, ${decision.reason}`);
    return true;
  }

  /**
   * Stores a final outcome: on the stored notification, its event published first if the
   * broker takes it, or into the outbox with it; or with the new notification, which waits
   * for its companion (`storeNew`).
   */
  private async store(claimed: Notification, outcome: Outcome, at: Date, isNew: boolean): Promise<boolean> {
    const event = sentEvent(claimed, outcome.status, at);
    if (isNew) {
      const failed = outcome.status === 'FAILED' ? { failureReason: outcome.reason, lastError: outcome.reason } : {};
      return this.pairs.add({ notification: { ...claimed, status: outcome.status, ...failed, finishedAt: at, updatedAt: at }, event });
    }
    const published = await this.publish([event]);
    return this.repository.finish(claimed, outcome, at, published ? null : event);
  }

  /**
   * Stores new notifications of one order (a pair, or one alone) with one write, their events
   * published first, in one produce request, if the broker takes them, or kept in the outbox.
   */
  private async storeNew(recordings: Recording[]): Promise<boolean[]> {
    const events = recordings.flatMap(({ event }) => (event ? [event] : []));
    const published = events.length > 0 && (await this.publish(events));
    return this.repository.record(published ? recordings.map(({ notification }) => ({ notification, event: null })) : recordings);
  }

  /** Whether the broker took these events in time (never, without a publisher). */
  private async publish(events: OutboxMessage[]): Promise<boolean> {
    if (!this.publisher) return false;
    return this.publisher.publish(events).then(
      () => true,
      () => false,
    );
  }
}

type Outcome = { status: 'SENT' } | { status: 'FAILED'; reason: string };

const describe = (notification: Notification) => `order ${notification.orderId}: ${notification.kind} notification ${notification.id}`;
