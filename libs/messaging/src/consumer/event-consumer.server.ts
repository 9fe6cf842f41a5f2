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
  /** Partitions of one topic handled side by side; a retrying partition blocks only itself. */
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
 * - a message that can never succeed (undecodable, failed validation) goes to the topic's
 *   dead-letter topic with the reason, and the partition moves on;
 * - one consumer (and group) per topic, so a stuck topic never holds up another;
 * - events no handler here wants are committed and passed over.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(EventConsumerServer.name);
  private readonly consumers = new Map<string, Consumer>();
  private readonly states = new Map<string, ConsumerState>();
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
    for (const topic of this.options.topics) void this.startConsumer(topic);
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

  private async startConsumer(topic: string): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      const consumer = this.kafka.consumer({ groupId: this.groupOf(topic), allowAutoTopicCreation: false });
      this.track(topic, consumer);
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
          eachMessage: (payload) => this.handle(consumer, payload),
        });
        this.consumers.set(topic, consumer);
        return;
      } catch (error) {
        attempt += 1;
        this.states.set(topic, 'crashed');
        this.logger.warn(`consumer of ${topic} could not start: ${(error as Error).message}; retrying`);
        await consumer.disconnect().catch(() => undefined);
        await sleep(backoffDelay(attempt, this.options.retry));
      }
    }
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
        this.consumers.delete(topic);
        void this.startConsumer(topic);
      }
    });
    consumer.on(STOP, () => this.states.set(topic, 'stopped'));
    consumer.on(DISCONNECT, () => this.states.set(topic, 'stopped'));
  }

  private async handle(consumer: Consumer, payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const group = this.groupOf(topic);
    const started = process.hrtime.bigint();
    let outcome: 'ok' | 'ignored' | 'dead-lettered' = 'ok';
    try {
      const event = decodeEvent(message);
      const handlers = this.handlersFor(event.type);
      if (handlers.length === 0) {
        outcome = 'ignored';
      } else {
        const context = new EventContext([{ topic, partition, offset: message.offset }]);
        // Handlers are idempotent, so a retry after a partial failure may run them all again.
        const label = `${event.type.split('.').pop()} ${event.meta.eventId} of order ${event.meta.correlationId}`;
        await this.retrying(payload, group, label, async () => {
          for (const handler of handlers) await this.invoke(handler, event, context);
        });
      }
    } catch (error) {
      const code = permanentCode(error);
      if (code === undefined) throw error; // only when stopping: leave it uncommitted
      outcome = 'dead-lettered';
      this.logger.warn(
        `dead-lettering ${topic}[${partition}]@${message.offset} (${code}): ${(error as Error).message}`,
      );
      const record = deadLetterRecord({ topic, partition, message, groupId: group }, code, (error as Error).message);
      await this.retrying(payload, group, 'dead-lettering', () => this.producer.send(record));
    }
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    this.metrics.handled(topic, group, outcome, Number(process.hrtime.bigint() - started) / 1e9);
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

  /** Runs `work` until it succeeds or fails permanently; transient failures wait and retry. */
  private async retrying<T>(payload: EachMessagePayload, group: string, label: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (permanentCode(error) !== undefined || this.stopping) throw error;
        const delay = backoffDelay(attempt, this.options.retry);
        this.metrics.retried(payload.topic, group);
        this.logger.warn(
          `${label} at ${payload.topic}[${payload.partition}]@${payload.message.offset} failed ` +
            `(attempt ${attempt}): ${(error as Error).message}; retrying in ${delay} ms`,
        );
        await this.wait(delay, payload);
      }
    }
  }

  /** Sleeps in slices, heartbeating so a long retry does not cost the partition its owner. */
  private async wait(ms: number, payload: EachMessagePayload): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.stopping) {
      await sleep(Math.min(1_000, until - Date.now()));
      await payload.heartbeat().catch(() => undefined);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
