import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { decodeEvent, type DecodedEvent } from '@orderflow/contracts';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { EventProducer } from '../event.producer';
import { lastValueFrom } from 'rxjs';
import { backoffDelay, type BackoffOptions } from './backoff';
import { deadLetterRecord } from './dead-letter';
import { permanentCode } from './permanent.error';
import type { ConsumerMetrics } from './consumer.metrics';

/** Pattern of a handler that sees every event its service consumes (e.g. an audit trail). */
export const ANY_EVENT = '*';

type Handler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

export interface EventConsumerOptions {
  /** The service's consumer group (from the topic registry); one group per topic is derived. */
  groupId: string;
  topics: string[];
  retry: BackoffOptions;
  /**
   * Partitions of one topic handled side by side. A retrying partition blocks only itself:
   * it is paused while it waits, so the others go on being fetched and handled.
   */
  partitionsConsumedConcurrently: number;
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
 * - an offset is committed only after its handler finished, so effects are durable first;
 * - a transient failure is retried with capped exponential backoff, forever, never skipped;
 *   its partition is paused meanwhile, so it holds up neither the other partitions nor the
 *   consumer's session;
 * - a message that can never succeed (undecodable, failed validation) goes to the topic's
 *   dead-letter topic with the reason, and the partition moves on;
 * - one consumer (and group) per topic, so a stuck topic never holds up another;
 * - events no handler here wants are committed and passed over.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(EventConsumerServer.name);
  /** Every consumer created and not yet disconnected, by topic, joined or not. */
  private readonly consumers = new Map<string, Consumer>();
  private readonly states = new Map<string, ConsumerState>();
  /** Runs of `startConsumer` still under way, so `close()` can wait for them. */
  private readonly starting = new Set<Promise<void>>();
  /** Attempts so far of the message each retrying partition is stuck on. */
  private readonly attempts = new Map<string, { offset: string; attempt: number }>();
  /** Timers that resume a partition once its backoff is over. */
  private readonly resumes = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: EventProducer,
    private readonly options: EventConsumerOptions,
    private readonly metrics: ConsumerMetrics,
  ) {
    super();
  }

  groupOf(topic: string): string {
    return `${this.options.groupId}.${topic}`;
  }

  listen(callback: (error?: unknown) => void): void {
    // Consumers join in the background: with Kafka down the service still starts, reports
    // not-ready, and joins once the broker is back.
    for (const topic of this.options.topics) this.spawn(topic);
    callback();
  }

  /** Problems that make this service unable to consume; empty when every consumer has joined. */
  problems(): string[] {
    return this.options.topics
      .filter((topic) => this.states.get(topic) !== 'joined')
      .map((topic) => `consumer of ${topic} is ${this.states.get(topic) ?? 'starting'}`);
  }

  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.resumes) clearTimeout(timer);
    this.resumes.clear();
    // Consumers still starting notice `stopping` after their current step and disconnect.
    await Promise.all([...this.starting]);
    // kafkajs waits for in-flight handlers, commits nothing more, and leaves the group.
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
  }

  on(): never {
    throw new Error('EventConsumerServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private spawn(topic: string): void {
    const run = this.startConsumer(topic).finally(() => this.starting.delete(run));
    this.starting.add(run);
  }

  private async startConsumer(topic: string): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      const consumer = this.kafka.consumer({
        groupId: this.groupOf(topic),
        allowAutoTopicCreation: false,
        // Short fetches keep close() and the resumption of a paused partition quick.
        maxWaitTimeInMs: 1_000,
      });
      this.track(topic, consumer);
      this.consumers.set(topic, consumer);
      try {
        await consumer.connect();
        if (this.stopping) return await this.discard(topic, consumer);
        await consumer.subscribe({ topic, fromBeginning: true });
        if (this.stopping) return await this.discard(topic, consumer);
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
          eachMessage: (payload) => this.handle(consumer, payload),
        });
        if (this.stopping) return await this.discard(topic, consumer);
        return;
      } catch (error) {
        attempt += 1;
        this.states.set(topic, 'crashed');
        await this.discard(topic, consumer);
        if (this.stopping) return;
        this.logger.warn(`consumer of ${topic} could not start: ${(error as Error).message}; retrying`);
        await sleep(backoffDelay(attempt, this.options.retry));
      }
    }
  }

  /** Disconnects a consumer that is done with, and forgets it unless a newer one replaced it. */
  private async discard(topic: string, consumer: Consumer): Promise<void> {
    await consumer.disconnect().catch(() => undefined);
    if (this.consumers.get(topic) === consumer) this.consumers.delete(topic);
  }

  private track(topic: string, consumer: Consumer): void {
    this.states.set(topic, 'starting');
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, () => this.states.set(topic, 'joined'));
    consumer.on(CRASH, (event) => {
      this.states.set(topic, 'crashed');
      this.logger.error(`consumer of ${topic} crashed: ${event.payload.error.message}`);
      // kafkajs restarts after retriable crashes by itself; a non-retriable one ends it.
      if (!event.payload.restart && !this.stopping) {
        void this.discard(topic, consumer);
        this.spawn(topic);
      }
    });
    consumer.on(STOP, () => this.states.set(topic, 'stopped'));
    consumer.on(DISCONNECT, () => this.states.set(topic, 'stopped'));
  }

  private async handle(consumer: Consumer, payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    if (this.stopping) {
      // Leave this message, and through the seek the rest of the batch, to the next owner.
      consumer.seek({ topic, partition, offset: message.offset });
      return;
    }
    const group = this.groupOf(topic);
    const started = process.hrtime.bigint();
    let outcome: 'ok' | 'ignored' | 'dead-lettered' = 'ok';
    let step = 'handling';
    try {
      try {
        const event = decodeEvent(message);
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
        if (code === undefined) throw error;
        outcome = 'dead-lettered';
        step = 'dead-lettering';
        this.logger.warn(
          `dead-lettering ${topic}[${partition}]@${message.offset} (${code}): ${(error as Error).message}`,
        );
        const record = deadLetterRecord({ topic, partition, message, groupId: group }, code, (error as Error).message);
        await this.producer.send(record);
      }
    } catch (error) {
      this.retryLater(consumer, payload, group, step, error as Error);
      return;
    }
    this.attempts.delete(partitionKey(topic, partition));
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    this.metrics.handled(topic, group, outcome, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /**
   * A transient failure: the message stays uncommitted, the partition is rewound to it and
   * paused, and resumed once the backoff is over, so the message is delivered again while
   * the other partitions carry on. kafkajs handles nothing more of this batch after a seek.
   */
  private retryLater(consumer: Consumer, payload: EachMessagePayload, group: string, step: string, error: Error): void {
    const { topic, partition, message } = payload;
    const key = partitionKey(topic, partition);
    const previous = this.attempts.get(key);
    const attempt = previous?.offset === message.offset ? previous.attempt + 1 : 1;
    this.attempts.set(key, { offset: message.offset, attempt });
    consumer.pause([{ topic, partitions: [partition] }]);
    consumer.seek({ topic, partition, offset: message.offset });
    if (this.stopping) return;
    const delay = backoffDelay(attempt, this.options.retry);
    this.metrics.retried(topic, group);
    this.logger.warn(
      `${step} at ${topic}[${partition}]@${message.offset} failed ` +
        `(attempt ${attempt}): ${error.message}; retrying in ${delay} ms`,
    );
    const timer = setTimeout(() => {
      this.resumes.delete(timer);
      if (!this.stopping) consumer.resume([{ topic, partitions: [partition] }]);
    }, delay);
    this.resumes.add(timer);
  }

  /**
   * The handlers for this type, then the catch-alls. Each is the head of Nest's chain of
   * same-pattern handlers, and calling it runs the whole chain.
   */
  private handlersFor(type: string): Handler[] {
    return [type, ANY_EVENT].map((pattern) => this.getHandlerByPattern(pattern)).filter((h): h is Handler => h !== null);
  }

  private async invoke(
    handler: Handler,
    event: DecodedEvent,
    context: EventContext,
  ): Promise<void> {
    await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
  }
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
