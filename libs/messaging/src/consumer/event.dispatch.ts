import { Logger } from '@nestjs/common';
import { BaseRpcContext, type MessageHandler } from '@nestjs/microservices';
import { deadLetterTopic, decodeEvent, EnvelopeHeader, topicNamed, type DecodedEvent } from '@orderflow/contracts';
import { LogContext } from '@orderflow/observability';
import type { KafkaMessage } from 'kafkajs';
import type { EventProducer } from '../event.producer';
import { OrderflowAttributes } from '../tracing/order.correlation';
import { consumeInScope, failed } from '../tracing/message.spans';
import type { ConsumerMetrics, HandleOutcome } from './consumer.metrics';
import { deadLetterRecord, isTooLarge, withoutValue } from './dead-letter';
import { requireTrustedOrigin } from './event-origin.check';
import { permanentCode } from './permanent.error';

/** Pattern of a handler that sees every event its service consumes (e.g. an audit trail). */
export const ANY_EVENT = '*';

/** Where a message came from, for handlers that want it (`@Ctx() ctx: EventContext`). */
export class EventContext extends BaseRpcContext<[{ topic: string; partition: number; offset: string }]> {
  /** What this message's handlers left to finish after they returned (`settleLater`). */
  readonly settling: Promise<unknown>[] = [];

  get source() {
    return this.args[0];
  }

  /**
   * Lets the handler return before `effect` is done, so the partition's next messages need
   * not wait for it (a write gathered with the writes of the next moments, say). The message
   * counts as handled only once `effect` resolved: its offset, and every later one of its
   * partition, is committed after that. If `effect` rejects, the partition goes back to the
   * batch the message came in and handles all of it again, after the usual backoff.
   */
  settleLater(effect: Promise<unknown>): void {
    // Its failure is the consumer's to handle; it must not also surface as unhandled.
    effect.catch(() => undefined);
    this.settling.push(effect);
  }
}

export type Handler = MessageHandler;

/**
 * What becomes of one message: decoded and checked, then handed to the `@EventPattern`
 * handlers for its type (and the catch-alls); or passed over, when no handler here wants its
 * type; or dead-lettered with the reason, when it can never succeed. Only a failure worth
 * retrying is thrown, for the consumer to schedule.
 */
export class EventDispatch {
  private readonly logger = new Logger('EventConsumerServer');
  private readonly handlersByType = new Map<string, Handler[]>();

  constructor(
    private readonly group: string,
    private readonly producer: EventProducer,
    private readonly metrics: ConsumerMetrics,
    /** Nest's handler for a pattern, if any. */
    private readonly handlerOf: (pattern: string) => Handler | null,
    /** Runs a handler to its end (Nest's handlers may answer with an observable). */
    private readonly invoke: (handler: Handler, event: DecodedEvent, context: EventContext) => Promise<void>,
  ) {}

  /**
   * Handles one message (`attempt`: which delivery of it this is): its handlers, or its
   * dead-lettering. What the handlers left to finish later is added to `settling`.
   */
  handle(topic: string, partition: number, message: KafkaMessage, attempt: number, settling: Promise<unknown>[]): Promise<void> {
    const group = this.group;
    if (this.passesOver(topic, message)) {
      this.metrics.handled(topic, group, 'ignored', 0);
      return Promise.resolve();
    }
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
          settling.push(...context.settling);
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
      handlers = [type, ANY_EVENT].map((pattern) => this.handlerOf(pattern)).filter((h): h is Handler => h !== null);
      // Only the types of the topics consumed here are kept: a forged type cannot grow the map.
      if (this.handlersByType.size < 256) this.handlersByType.set(type, handlers);
    }
    return handlers;
  }
}
