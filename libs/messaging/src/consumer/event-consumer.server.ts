import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { DecodedEvent } from '@orderflow/contracts';
import { LogContext, type LogFields } from '@orderflow/observability';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { EventProducer } from '../event.producer';
import type { KafkaTrafficMetrics } from '../kafka.metrics';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { ConsumerMetrics } from './consumer.metrics';
import { EventContext, EventDispatch, type Handler } from './event.dispatch';
import { handleInKeyLanes } from './key-lanes';
import { OffsetCommits, partitionKey, type Position } from './offset.commits';
import { RetrySchedule } from './retry.schedule';

export { ANY_EVENT, EventContext } from './event.dispatch';

export interface EventConsumerOptions {
  /** The service's consumer group (from the topic registry), for all its topics. */
  groupId: string;
  topics: string[];
  retry: BackoffOptions;
  /** The group session (default 6 s); heartbeats go out at a tenth of it. */
  sessionTimeoutMs?: number;
  /**
   * Partitions of one topic handled side by side. A retrying partition blocks only itself:
   * it is paused while it waits, so the others go on being fetched and handled.
   */
  partitionsConsumedConcurrently: number;
  /** Different keys (orders) of one partition's batch handled side by side. */
  keysConsumedConcurrently: number;
}

type ConsumerState = 'starting' | 'joined' | 'crashed' | 'stopped';

/**
 * The Kafka transport for `@EventPattern(<event type>)` handlers, with the delivery rules
 * Orderflow needs and Nest's stock Kafka transport does not give:
 *
 * - messages come in batches, one per partition; within a batch different keys (orders)
 *   are handled side by side and each key's messages in offset order (`handleInKeyLanes`);
 * - the batch's offset is committed after its handlers finished, so effects are durable
 *   first and a crash only ever redelivers; commits are gathered, every partition's in one
 *   request at most every 100 ms (`OffsetCommits`). A handler may leave an effect to finish
 *   after it returned (`EventContext.settleLater`): the partition goes on, and its commits
 *   wait until the effect is done; if it fails, the partition goes back to that batch;
 * - a transient failure is retried with capped exponential backoff, forever, never skipped:
 *   the commit stops below it, its partition is rewound to it and paused meanwhile, so it
 *   holds up neither the other partitions nor the consumer's session; messages after it
 *   that were already handled are not handled again in this process (handlers are
 *   idempotent anyway, for redeliveries after a crash or rebalance);
 * - a message that can never succeed (undecodable, failed validation) goes to the topic's
 *   dead-letter topic with the reason, and the partition moves on;
 * - one consumer and group per service for all its topics: one connection, one fetch loop;
 * - events no handler here wants are committed and passed over.
 *
 * This class is the consumer's lifecycle and its batches; the rest is in parts of their own:
 * what becomes of one message (`EventDispatch`), the offset commits and their retries
 * (`OffsetCommits`), and the backoff of a partition stuck on a failure (`RetrySchedule`).
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(EventConsumerServer.name);
  /** The consumer created and not yet disconnected, joined or not. */
  private consumer?: Consumer;
  private state: ConsumerState = 'starting';
  /** The run of `startConsumer` still under way, so `close()` can wait for it. */
  private starting?: Promise<void>;
  /** Offsets past a retrying message that were handled already, per partition. */
  private readonly handledAhead = new Map<string, Set<string>>();
  private readonly commits = new OffsetCommits((message) => this.logger.warn(message));
  private readonly retries: RetrySchedule;
  private readonly dispatch: EventDispatch;
  private commitRetry?: NodeJS.Timeout;
  private stopping = false;
  /**
   * Per partition, the commit still waiting for effects its handlers left to finish later;
   * every later commit of the partition waits behind it.
   */
  private readonly settling = new Map<string, Promise<void>>();
  /** Per partition, how often it went back to a batch whose effects failed. */
  private readonly rewinds = new Map<string, number>();
  /** Group joins so far: a commit waiting across a rejoin is dropped. */
  private joins = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: EventProducer,
    private readonly options: EventConsumerOptions,
    private readonly metrics: ConsumerMetrics,
    private readonly traffic?: KafkaTrafficMetrics,
  ) {
    super();
    this.retries = new RetrySchedule(options.retry);
    this.dispatch = new EventDispatch(
      options.groupId,
      producer,
      metrics,
      (pattern) => this.getHandlerByPattern(pattern),
      (handler, event, context) => this.invoke(handler, event, context),
    );
  }

  /** The consumer group that reads `topic`: the service's one group. */
  groupOf(topic: string): string {
    void topic;
    return this.options.groupId;
  }

  listen(callback: (error?: unknown) => void): void {
    // The consumer joins in the background: with Kafka down the service still starts,
    // reports not-ready, and joins once the broker is back.
    this.spawn();
    this.commitRetry = setInterval(() => void this.commitAgain(), COMMIT_RETRY_MS);
    this.commitRetry.unref();
    callback();
  }

  /** Problems that make this service unable to consume; empty once the consumer has joined. */
  problems(): string[] {
    return this.state === 'joined' ? [] : [`consumer of ${this.options.topics.join(', ')} is ${this.state}`];
  }

  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.retries.cancel();
    clearInterval(this.commitRetry);
    // A consumer still starting notices `stopping` after its current step and disconnects.
    await this.starting;
    // Effects the handlers left to finish are waited for (a gathered write goes out within
    // its window), so what they covered is committed too; one that hangs is given up on and
    // its messages are delivered again.
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.settling.values()), new Promise((resolve) => (giveUp = setTimeout(resolve, SETTLE_ON_CLOSE_MS)))]);
    clearTimeout(giveUp);
    // What was handled is committed now, so a restart does not handle it again; kafkajs then
    // waits for the batches in flight, commits nothing more, and leaves the group.
    await this.commits.flush();
    this.commits.stop();
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  on(): never {
    throw new Error('EventConsumerServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private spawn(): void {
    const run = this.startConsumer().finally(() => {
      if (this.starting === run) this.starting = undefined;
    });
    this.starting = run;
  }

  private async startConsumer(): Promise<void> {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 6_000;
    let attempt = 0;
    while (!this.stopping) {
      const consumer = this.kafka.consumer({
        groupId: this.options.groupId,
        allowAutoTopicCreation: false,
        // kafkajs's 30 s default kept the group waiting half a minute after a broker restart
        // for members that had already come back under new ids.
        sessionTimeout,
        heartbeatInterval: Math.floor(sessionTimeout / 10),
        // Short fetches keep close() and the resumption of a paused partition quick.
        maxWaitTimeInMs: 1_000,
      });
      this.track(consumer);
      this.consumer = consumer;
      try {
        await consumer.connect();
        if (this.stopping) return await this.discard(consumer);
        await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
        if (this.stopping) return await this.discard(consumer);
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
          eachBatch: (payload) => this.handleBatch(consumer, payload),
        });
        if (this.stopping) return await this.discard(consumer);
        return;
      } catch (error) {
        attempt += 1;
        this.state = 'crashed';
        await this.discard(consumer);
        if (this.stopping) return;
        this.logger.warn(`consumer of ${this.options.topics.join(', ')} could not start: ${(error as Error).message}; retrying`);
        await sleep(backoffDelay(attempt, this.options.retry));
      }
    }
  }

  /** Disconnects a consumer that is done with, and forgets it unless a newer one replaced it. */
  private async discard(consumer: Consumer): Promise<void> {
    await consumer.disconnect().catch(() => undefined);
    if (this.consumer === consumer) this.consumer = undefined;
  }

  private track(consumer: Consumer): void {
    this.state = 'starting';
    this.traffic?.watch(consumer);
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, () => {
      // After a rebalance another member may have handled what was ahead: start afresh. The
      // commits still waiting for effects are dropped (their messages are redelivered).
      this.handledAhead.clear();
      this.settling.clear();
      this.joins += 1;
      this.commits.joined();
      this.state = 'joined';
    });
    consumer.on(CRASH, (event) => {
      this.state = 'crashed';
      this.logger.error(`consumer crashed: ${event.payload.error.message}`);
      // kafkajs restarts after retriable crashes by itself; a non-retriable one ends it.
      if (!event.payload.restart && !this.stopping) {
        void this.discard(consumer);
        this.spawn();
      }
    });
    consumer.on(STOP, () => (this.state = 'stopped'));
    consumer.on(DISCONNECT, () => (this.state = 'stopped'));
  }

  private async handleBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { topic, partition, messages } = batch;
    // Not handled and not committed: the next owner of the partition reads it again.
    if (this.stopping || !isRunning() || isStale() || messages.length === 0) return;
    const key = partitionKey(topic, partition);
    const ahead = this.handledAhead.get(key);
    const handled = new Set<string>();
    const settling: Promise<unknown>[] = [];
    let rebalancing = false;
    const failure = await handleInKeyLanes(
      messages.map((message) => ({ offset: message.offset, key: message.key?.toString('latin1') ?? '', message })),
      this.options.keysConsumedConcurrently,
      async ({ message }) => {
        if (ahead?.has(message.offset)) return 'done';
        if (this.stopping || rebalancing) return 'stopped';
        await this.dispatch.handle(topic, partition, message, this.retries.attemptOf(topic, partition, message.offset), settling);
        handled.add(message.offset);
        // A heartbeat refused mid-batch means the group is rebalancing: finish what is in
        // flight, commit it, and leave the rest to whoever owns the partition next.
        await heartbeat().catch(() => (rebalancing = true));
        return 'done';
      },
    );
    const next = failure?.offset ?? (BigInt(batch.lastOffset()) + 1n).toString();
    if (next !== messages[0].offset) {
      // Moves kafkajs's own position, which fetching goes on from.
      payload.resolveOffset((BigInt(next) - 1n).toString());
      this.commitWhenSettled(consumer, { topic, partition, offset: next }, messages[0].offset, settling);
    }
    if (failure === undefined) {
      if (settling.length === 0) this.retries.passed(topic, partition);
      this.handledAhead.delete(key);
      return;
    }
    // What was handled beyond the failure is remembered, so the retry skips it.
    const remembered = new Set([...(ahead ?? []), ...handled].filter((offset) => BigInt(offset) > BigInt(next)));
    this.handledAhead.set(key, remembered);
    if (failure.error !== undefined) this.retryLater(consumer, topic, partition, failure.offset, failure.error as Error);
    else consumer.seek({ topic, partition, offset: next });
  }

  /**
   * Commits `position` once the effects its batch's handlers left to finish are done, and
   * whatever the partition committed before it is. When one fails, the partition goes back to
   * the batch's first offset (`from`): everything from there is handled again, idempotently,
   * and the commits waiting behind it are dropped.
   */
  private commitWhenSettled(consumer: Consumer, position: Position, from: string, effects: Promise<unknown>[]): void {
    const { topic, partition } = position;
    const key = partitionKey(topic, partition);
    const before = this.settling.get(key);
    if (effects.length === 0 && before === undefined) return this.commits.commit(consumer, position);
    const [rewinds, joins] = [this.rewinds.get(key) ?? 0, this.joins];
    const current = () => this.joins === joins && (this.rewinds.get(key) ?? 0) === rewinds;
    const settled: Promise<void> = (before ?? Promise.resolve())
      .then(() => Promise.all(effects))
      .then(
        () => {
          if (!current()) return;
          this.commits.commit(consumer, position);
          this.retries.passed(topic, partition);
        },
        (error: Error & { step?: string }) => {
          if (!current()) return;
          this.rewinds.set(key, rewinds + 1);
          this.handledAhead.delete(key);
          this.retryLater(consumer, topic, partition, from, Object.assign(error, { step: error.step ?? 'finishing what a handler left' }));
        },
      )
      .finally(() => {
        if (this.settling.get(key) === settled) this.settling.delete(key);
      });
    this.settling.set(key, settled);
  }

  private async commitAgain(): Promise<void> {
    const consumer = this.consumer;
    if (this.stopping || this.state !== 'joined' || consumer === undefined) return;
    await this.commits.retry(consumer);
  }

  /** A transient failure: the partition is rewound to the message and retried after the backoff. */
  private retryLater(
    consumer: Consumer,
    topic: string,
    partition: number,
    offset: string,
    error: Error & { step?: string; logFields?: LogFields },
  ): void {
    const { attempt, delayMs } = this.retries.schedule(consumer, topic, partition, offset, () => this.stopping);
    if (this.stopping) return;
    this.metrics.retried(topic, this.options.groupId);
    LogContext.run(error.logFields ?? {}, () =>
      this.logger.warn(
        `${error.step ?? 'handling'} at ${topic}[${partition}]@${offset} failed (attempt ${attempt}): ${error.message}; retrying in ${delayMs} ms`,
      ),
    );
  }

  private async invoke(handler: Handler, event: DecodedEvent, context: EventContext): Promise<void> {
    await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
  }
}

/** How often commits that failed are tried again. */
const COMMIT_RETRY_MS = 5_000;

/** How long a closing consumer waits for the effects its handlers left to finish. */
const SETTLE_ON_CLOSE_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
