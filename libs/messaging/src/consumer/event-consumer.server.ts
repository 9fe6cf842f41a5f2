import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { deadLetterTopic, decodeEvent, EnvelopeHeader, topicNamed, type DecodedEvent } from '@orderflow/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { EventProducer } from '../event.producer';
import { lastValueFrom } from 'rxjs';
import { backoffDelay, type BackoffOptions } from './backoff';
import { deadLetterRecord, isTooLarge, withoutValue } from './dead-letter';
import { permanentCode } from './permanent.error';
import { requireTrustedOrigin } from './event-origin.check';
import type { ConsumerMetrics, HandleOutcome } from './consumer.metrics';
import type { KafkaTrafficMetrics } from '../kafka.metrics';
import { handleInKeyLanes } from './key-lanes';
import { LogContext, type LogFields } from '@orderflow/observability';
import { OrderflowAttributes } from '../tracing/order.correlation';
import { consumeInScope, failed } from '../tracing/message.spans';

/** Pattern of a handler that sees every event its service consumes (e.g. an audit trail). */
export const ANY_EVENT = '*';

type Handler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

export interface EventConsumerOptions {
  /** The service's consumer group (from the topic registry), for all its topics. */
  groupId: string;
  topics: string[];
  retry: BackoffOptions;
  /** The group session (default 10 s); heartbeats go out at a tenth of it. */
  sessionTimeoutMs?: number;
  /**
   * Partitions of one topic handled side by side. A retrying partition blocks only itself:
   * it is paused while it waits, so the others go on being fetched and handled.
   */
  partitionsConsumedConcurrently: number;
  /** Different keys (orders) of one partition's batch handled side by side. */
  keysConsumedConcurrently: number;
}

/** Where a message came from, for handlers that want it (`@Ctx() ctx: EventContext`). */
export class EventContext extends BaseRpcContext<[{ topic: string; partition: number; offset: string }]> {
  get source() {
    return this.args[0];
  }
}

type ConsumerState = 'starting' | 'joined' | 'crashed' | 'stopped';

/**
 * The Kafka transport for `@EventPattern(<event type>)` handlers, with the delivery rules
 * Orderflow needs and Nest's stock Kafka transport does not give:
 *
 * - messages come in batches, one per partition; within a batch different keys (orders)
 *   are handled side by side and each key's messages in offset order (`handleInKeyLanes`);
 * - the batch's offset is committed once, after its handlers finished, so effects are
 *   durable first and a crash only ever redelivers;
 * - a transient failure is retried with capped exponential backoff, forever, never skipped:
 *   the commit stops below it, its partition is rewound to it and paused meanwhile, so it
 *   holds up neither the other partitions nor the consumer's session; messages after it
 *   that were already handled are not handled again in this process (handlers are
 *   idempotent anyway, for redeliveries after a crash or rebalance);
 * - a message that can never succeed (undecodable, failed validation) goes to the topic's
 *   dead-letter topic with the reason, and the partition moves on;
 * - one consumer and group per service for all its topics: one connection, one fetch loop;
 * - events no handler here wants are committed and passed over.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(EventConsumerServer.name);
  /** The consumer created and not yet disconnected, joined or not. */
  private consumer?: Consumer;
  private state: ConsumerState = 'starting';
  /** The run of `startConsumer` still under way, so `close()` can wait for it. */
  private starting?: Promise<void>;
  /** Attempts so far of the message each retrying partition is stuck on. */
  private readonly attempts = new Map<string, { offset: string; attempt: number }>();
  /** Offsets past a retrying message that were handled already, per partition. */
  private readonly handledAhead = new Map<string, Set<string>>();
  /** Timers that resume a partition once its backoff is over. */
  private readonly resumes = new Set<NodeJS.Timeout>();
  /**
   * Commits the broker refused or never answered (it was restarting, say), per partition.
   * Handled messages are not fetched again, so without a retry an idle partition's committed
   * offset would stay behind for good: lag that never drains, and a redelivery after the next
   * rebalance.
   */
  private readonly unacknowledged = new Map<string, { topic: string; partition: number; offset: string }>();
  private commitRetry?: NodeJS.Timeout;
  /** Group joins so far: a commit that fails across a rejoin is not worth retrying. */
  private joins = 0;
  private stopping = false;
  private readonly handlersByType = new Map<string, Handler[]>();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: EventProducer,
    private readonly options: EventConsumerOptions,
    private readonly metrics: ConsumerMetrics,
    private readonly traffic?: KafkaTrafficMetrics,
  ) {
    super();
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
    for (const timer of this.resumes) clearTimeout(timer);
    this.resumes.clear();
    clearInterval(this.commitRetry);
    // A consumer still starting notices `stopping` after its current step and disconnects.
    await this.starting;
    // kafkajs waits for in-flight batches, commits nothing more, and leaves the group.
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
    const sessionTimeout = this.options.sessionTimeoutMs ?? 10_000;
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
      // After a rebalance another member may have handled what was ahead: start afresh.
      this.handledAhead.clear();
      // Partitions start again from their committed offsets, so there is nothing to commit.
      this.unacknowledged.clear();
      this.joins += 1;
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
    let rebalancing = false;
    const failure = await handleInKeyLanes(
      messages.map((message) => ({ offset: message.offset, key: message.key?.toString('latin1') ?? '', message })),
      this.options.keysConsumedConcurrently,
      async ({ message }) => {
        if (ahead?.has(message.offset)) return 'done';
        if (this.stopping || rebalancing) return 'stopped';
        await this.handle(topic, partition, message);
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
      await this.commit(consumer, { topic, partition, offset: next });
    }
    if (failure === undefined) {
      this.attempts.delete(key);
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
   * Commits a partition's offset. A failure (a rebalance, the broker gone) loses nothing: the
   * offset is committed again later unless a newer commit or a rejoin makes that moot.
   */
  private async commit(consumer: Consumer, position: { topic: string; partition: number; offset: string }): Promise<void> {
    const key = partitionKey(position.topic, position.partition);
    const joins = this.joins;
    try {
      await consumer.commitOffsets([position]);
      const pending = this.unacknowledged.get(key);
      if (pending !== undefined && BigInt(pending.offset) <= BigInt(position.offset)) this.unacknowledged.delete(key);
    } catch (error) {
      this.logger.warn(`committing ${position.topic}[${position.partition}]@${position.offset} failed: ${(error as Error).message}`);
      if (joins !== this.joins) return;
      const pending = this.unacknowledged.get(key);
      if (pending === undefined || BigInt(pending.offset) < BigInt(position.offset)) this.unacknowledged.set(key, position);
    }
  }

  private async commitAgain(): Promise<void> {
    const consumer = this.consumer;
    if (this.stopping || this.state !== 'joined' || consumer === undefined) return;
    for (const position of [...this.unacknowledged.values()]) await this.commit(consumer, position);
  }

  /** Handles one message: its handlers, or its dead-lettering. Throws only what is worth retrying. */
  private handle(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const group = this.options.groupId;
    if (this.passesOver(topic, message)) {
      this.metrics.handled(topic, group, 'ignored', 0);
      return Promise.resolve();
    }
    const stuck = this.attempts.get(partitionKey(topic, partition));
    const attempt = stuck?.offset === message.offset ? stuck.attempt + 1 : 1;
    return consumeInScope({ topic, partition, group, message, attempt }, async (span) => {
      const started = process.hrtime.bigint();
      let outcome: HandleOutcome = 'ok';
      let step = 'handling';
      try {
        const event = decodeEvent(message);
        requireTrustedOrigin(topic, event);
        const handlers = this.handlersFor(event.type);
        if (handlers.length === 0) {
          outcome = 'ignored';
        } else {
          const context = new EventContext([{ topic, partition, offset: message.offset }]);
          step = `${event.type.split('.').pop()} ${event.meta.eventId} of order ${event.meta.correlationId}`;
          // Handlers are idempotent, so a retry after a partial failure may run them all again.
          for (const handler of handlers) await this.invoke(handler, event, context);
        }
      } catch (error) {
        const code = permanentCode(error);
        if (code === undefined) {
          // The retry is logged after the batch, outside this scope: it keeps the fields.
          throw Object.assign(error as Error, { step, logFields: LogContext.current() });
        }
        outcome = 'dead-lettered';
        this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset} (${code}): ${(error as Error).message}`);
        if (span) {
          failed(span, error);
          span.setAttribute(OrderflowAttributes.deadLetterCode, code);
          span.addEvent('dead-lettered', {
            [OrderflowAttributes.deadLetterCode]: code,
            'messaging.destination.name': deadLetterTopic(topic),
          });
        }
        const record = deadLetterRecord({ topic, partition, message, groupId: group }, code, (error as Error).message);
        await this.producer
          .send(record)
          .catch((sendError: unknown) => {
            if (!isTooLarge(sendError)) throw sendError;
            this.logger.warn(
              `dead letter of ${topic}[${partition}]@${message.offset} is over the broker's size limit: parked without its ${message.value?.length ?? 0}-byte value`,
            );
            return this.producer.send(withoutValue(record));
          })
          .catch((sendError: Error) => {
            throw Object.assign(sendError, { step: 'dead-lettering' });
          });
        this.metrics.deadLettered(topic, group, code);
      }
      this.metrics.handled(topic, group, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }

  /**
   * A transient failure: the message stays uncommitted, the partition is rewound to it and
   * paused, and resumed once the backoff is over, so the message is delivered again while
   * the other partitions carry on.
   */
  private retryLater(
    consumer: Consumer,
    topic: string,
    partition: number,
    offset: string,
    error: Error & { step?: string; logFields?: LogFields },
  ): void {
    const key = partitionKey(topic, partition);
    const previous = this.attempts.get(key);
    const attempt = previous?.offset === offset ? previous.attempt + 1 : 1;
    this.attempts.set(key, { offset, attempt });
    consumer.pause([{ topic, partitions: [partition] }]);
    consumer.seek({ topic, partition, offset });
    if (this.stopping) return;
    const delay = backoffDelay(attempt, this.options.retry);
    this.metrics.retried(topic, this.options.groupId);
    LogContext.run(error.logFields ?? {}, () =>
      this.logger.warn(
        `${error.step ?? 'handling'} at ${topic}[${partition}]@${offset} failed ` +
          `(attempt ${attempt}): ${error.message}; retrying in ${delay} ms`,
      ),
    );
    const timer = setTimeout(() => {
      this.resumes.delete(timer);
      if (!this.stopping) consumer.resume([{ topic, partitions: [partition] }]);
    }, delay);
    this.resumes.add(timer);
  }

  /**
   * Whether the message is an event its topic carries that no handler here wants: passed over
   * on its type header alone, neither decoded nor traced (a quarter of what a service reads).
   * Anything else, a forged or unknown type included, is decoded and checked as usual.
   */
  private passesOver(topic: string, message: KafkaMessage): boolean {
    const type = message.headers?.[EnvelopeHeader.type]?.toString();
    return type !== undefined && topicNamed(topic)?.events.includes(type) === true && this.handlersFor(type).length === 0;
  }

  /**
   * The handlers for this type, then the catch-alls. Each is the head of Nest's chain of
   * same-pattern handlers, and calling it runs the whole chain. Looked up once per type:
   * Nest normalises the pattern on every lookup, which cost about 2 % of a service's CPU.
   */
  private handlersFor(type: string): Handler[] {
    let handlers = this.handlersByType.get(type);
    if (handlers === undefined) {
      handlers = [type, ANY_EVENT].map((pattern) => this.getHandlerByPattern(pattern)).filter((h): h is Handler => h !== null);
      // Only the types of the topics consumed here are kept: a forged type cannot grow the map.
      if (this.handlersByType.size < 256) this.handlersByType.set(type, handlers);
    }
    return handlers;
  }

  private async invoke(handler: Handler, event: DecodedEvent, context: EventContext): Promise<void> {
    await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
  }
}

/** How often commits that failed are tried again. */
const COMMIT_RETRY_MS = 5_000;

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
