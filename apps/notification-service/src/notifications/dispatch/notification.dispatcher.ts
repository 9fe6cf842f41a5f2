import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { afterFailure, type AttemptFailure, type DeliveryPolicy } from '../domain/delivery.policy';
import type { Notification } from '../domain/notification';
import { SendError, type NotificationSender } from '../domain/notification.sender';
import { sentEvent } from '../notification.events';
import type { NotificationRepository } from '../persistence/notification.repository';
import type { NotificationMetrics } from '../notification.metrics';
import type { DirectPublisher } from '@orderflow/messaging';
import { LogContext } from '@orderflow/observability';

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
}

/**
 * Sends recorded notifications, apart from the Kafka consumer, so a slow or failing
 * channel never holds up consuming (or any other notification). Each pass takes the due
 * PENDING notifications, claims each attempt with a lease, sends through the configured
 * sender and stores the outcome: SENT, or on failure another attempt after a backoff, or
 * FAILED with the reason once the policy gives up.
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
  /** Notifications just recorded here, or due again after a failed attempt here: sent without a scan. */
  private readonly offered: { notification: Notification; claimed: boolean }[] = [];
  /** Timers that offer a failed notification again once its backoff is over. */
  private readonly retries = new Set<NodeJS.Timeout>();
  private lastPoll = 0;

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
   * The notification as this dispatcher's first attempt of it, claimed from the start (one
   * write fewer than recording it and claiming it apart): record this one, then `offer` it
   * with `claimed`. A dispatcher that is not running claims nothing, and it is recorded as it
   * is, for a scan to find.
   */
  claimAtRecord(notification: Notification, now = new Date()): { notification: Notification; claimed: boolean } {
    if (!this.running) return { notification, claimed: false };
    const nextAttemptAt = new Date(now.getTime() + this.options.leaseMs);
    return { notification: { ...notification, attempts: notification.attempts + 1, nextAttemptAt }, claimed: true };
  }

  /** Look for due notifications soon (a scan of the pending ones). */
  kick(): void {
    this.lastPoll = 0;
    this.pending = true;
    this.wake?.();
  }

  /**
   * Send this notification, just recorded, soon. It is not looked up again: under load the
   * scan for due notifications would otherwise run for every one recorded, and its cost grows
   * with the collection on a server that does not use the index. If this process dies first,
   * the notification is still PENDING and the next scan (any replica's) sends it.
   */
  offer(notification: Notification, { claimed = false } = {}): void {
    this.offered.push({ notification, claimed });
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
      this.loop?.then(() => true),
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
          await Promise.all(
            this.offered.splice(0, this.options.concurrency).map(({ notification, claimed }) => this.attempt(notification, claimed)),
          );
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
  private attempt(notification: Notification, alreadyClaimed = false): Promise<void> {
    const scope = LogContext.current();
    const fields = scope?.order_id === notification.orderId ? { ...scope } : { order_id: notification.orderId };
    return LogContext.run(fields, () => this.claimAndSend(notification, alreadyClaimed));
  }

  /** Claims, sends and settles one notification; never throws, so one cannot stop the others. */
  private async claimAndSend(notification: Notification, alreadyClaimed: boolean): Promise<void> {
    const context = `order ${notification.orderId}: ${notification.kind} notification ${notification.id}`;
    try {
      let claimed = notification;
      if (!alreadyClaimed) {
        const now = new Date();
        if (!(await this.repository.claim(notification, now, new Date(now.getTime() + this.options.leaseMs)))) return;
        claimed = { ...notification, attempts: notification.attempts + 1 };
      }
      let failure: AttemptFailure | undefined;
      try {
        await this.sender.send(claimed);
      } catch (error) {
        failure = error instanceof SendError ? error : { message: (error as Error).message ?? String(error), retryable: true };
      }
      if (failure) await this.failed(claimed, failure, context);
      else await this.sent(claimed, context);
    } catch (error) {
      // Storing the outcome failed: the claim runs out and the attempt is made again.
      this.logger.warn(`${context}: ${(error as Error).message}; it stays pending`);
    }
  }

  private async sent(claimed: Notification, context: string): Promise<void> {
    const at = new Date();
    if (!(await this.store(claimed, { status: 'SENT' }, at))) return;
    this.metrics.attempted(claimed.kind, 'sent');
    this.logger.log(`${context}: sent (attempt ${claimed.attempts})`);
  }

  private async failed(claimed: Notification, failure: AttemptFailure, context: string): Promise<void> {
    const at = new Date();
    const decision = afterFailure(claimed.attempts, failure, this.options.policy);
    if (decision.next === 'retry') {
      const next = new Date(at.getTime() + decision.delayMs);
      if (!(await this.repository.reschedule(claimed, failure.message, next, at))) return;
      this.retryAt({ ...claimed, lastError: failure.message, nextAttemptAt: next }, decision.delayMs);
      this.metrics.attempted(claimed.kind, 'retry');
      this.logger.warn(`${context}: attempt ${claimed.attempts} failed (${failure.message}); retrying in ${decision.delayMs} ms`);
      return;
    }
    const outcome = { status: 'FAILED' as const, reason: decision.reason };
    if (!(await this.store(claimed, outcome, at))) return;
    this.metrics.attempted(claimed.kind, 'failed');
    this.logger.error(`${context}: FAILED, ${decision.reason}`);
  }

  /** Stores the outcome; its event is published first if the broker takes it, or goes into the outbox with it. */
  private async store(
    claimed: Notification,
    outcome: { status: 'SENT' } | { status: 'FAILED'; reason: string },
    at: Date,
  ): Promise<boolean> {
    const event = sentEvent(claimed, outcome.status, at);
    const published = this.publisher
      ? await this.publisher.publish([event]).then(
          () => true,
          () => false,
        )
      : false;
    return this.repository.finish(claimed, outcome, at, published ? null : event);
  }
}
