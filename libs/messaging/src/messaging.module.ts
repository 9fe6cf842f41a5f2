import {
  BeforeApplicationShutdown,
  ConfigurableModuleBuilder,
  DynamicModule,
  Global,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConsumerGroups, Topics } from '@orderflow/contracts';
import { MetricsModule } from '@orderflow/observability';
import { OutboxStore } from '@orderflow/persistence';
import { EVENT_TRANSPORT } from '@orderflow/runtime';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { registerOutboxMetrics } from './outbox/outbox.metrics';
import { ConsumerLagMetrics } from './consumer/consumer-lag.metrics';
import { ConsumerMetrics } from './consumer/consumer.metrics';
import { KafkaTrafficMetrics } from './kafka.metrics';
import { EventConsumerServer } from './consumer/event-consumer.server';
import { DirectPublisher } from './direct.publisher';
import { EventProducer } from './event.producer';
import { createKafkaClient } from './kafka.client';
import { KafkaReadiness } from './kafka.readiness';
import { MessagingConfig } from './messaging.config';
import { OutboxRelay } from './outbox/outbox.relay';

/** The service's consumer group and the topics it reads, from the topic registry. */
function consumerGroupOf(name: string): { groupId: string; topics: string[] } {
  const group = ConsumerGroups[name as keyof typeof ConsumerGroups];
  if (!group) throw new Error(`the topic registry has no consumer group for ${name}`);
  return { groupId: group.groupId, topics: group.topics.map((key) => Topics[key].name) };
}

/** How long a published outbox entry waits for its document's next write to remove it. */
const HOLD_PUBLISHED_MS = 3_000;
/**
 * A direct publish waits this long for the broker before its caller stores the event in the
 * outbox instead, and after one failed, the next ones go to the outbox at once for a while.
 */
const DIRECT_PUBLISH = { timeoutMs: 2_000, pauseAfterFailureMs: 5_000 } as const;

export interface MessagingModuleOptions {
  /** The service's name: the Kafka client id, and its consumer group in the topic registry. */
  service: string;
  /** The validated KAFKA_*, CONSUMER_RETRY_* and OUTBOX_* variables. */
  config: MessagingConfig;
}

const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MessagingModuleOptions>({ moduleName: 'Messaging' }).setClassMethodName('forRoot').build();

/**
 * Starts the relay once the app is up, and stops things in the order that loses nothing:
 * consumers finish their in-flight messages, commit and leave their groups; then the relay
 * publishes what they wrote; then the producer disconnects. MongoDB closes after this
 * (its module shuts down later), and HTTP stopped taking requests before (see bootstrap).
 */
@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly server: EventConsumerServer,
    private readonly relay: OutboxRelay,
    private readonly producer: EventProducer,
    private readonly lag: ConsumerLagMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.close();
    await this.relay.stop();
    await this.producer.disconnect();
    await this.lag.close();
  }
}

/**
 * Kafka for a service: the client, an idempotent producer, the transactional-outbox relay, the
 * direct publisher, the consumer transport for its `@EventPattern` handlers (group and topics
 * from the topic registry, by service name), readiness and metrics. Its metrics go to MetricsModule's registry.
 */
@Global()
@Module({})
export class MessagingModule extends ConfigurableModuleClass {
  static override forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return MessagingModule.withProviders(super.forRoot(options));
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return MessagingModule.withProviders(super.forRootAsync(options));
  }

  /** The providers of the module, around the options provider ConfigurableModuleBuilder made. */
  private static withProviders(definition: DynamicModule): DynamicModule {
    return {
      ...definition,
      imports: [...(definition.imports ?? []), MetricsModule],
      providers: [
        ...(definition.providers ?? []),
        {
          provide: Kafka,
          inject: [OPTIONS],
          useFactory: (opts: MessagingModuleOptions) => createKafkaClient(opts.service, opts.config),
        },
        { provide: KafkaTrafficMetrics, inject: [Registry], useFactory: (registry: Registry) => new KafkaTrafficMetrics(registry) },
        {
          provide: EventProducer,
          inject: [Kafka, KafkaTrafficMetrics],
          useFactory: (kafka: Kafka, traffic: KafkaTrafficMetrics) => new EventProducer(kafka, traffic),
        },
        {
          provide: DirectPublisher,
          inject: [EventProducer],
          useFactory: (producer: EventProducer) => new DirectPublisher(producer, DIRECT_PUBLISH),
        },
        {
          provide: ConsumerMetrics,
          inject: [Registry],
          useFactory: (registry: Registry) => new ConsumerMetrics(registry),
        },
        {
          provide: EventConsumerServer,
          inject: [Kafka, EventProducer, OPTIONS, ConsumerMetrics, KafkaTrafficMetrics],
          useFactory: (
            kafka: Kafka,
            producer: EventProducer,
            { service, config: env }: MessagingModuleOptions,
            metrics: ConsumerMetrics,
            traffic: KafkaTrafficMetrics,
          ) => {
            const group = consumerGroupOf(service);
            return new EventConsumerServer(
              kafka,
              producer,
              {
                groupId: group.groupId,
                topics: group.topics,
                retry: { initialMs: env.CONSUMER_RETRY_INITIAL_MS, maxMs: env.CONSUMER_RETRY_MAX_MS },
                sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
                partitionsConsumedConcurrently: 6,
                keysConsumedConcurrently: 16,
              },
              metrics,
              traffic,
            );
          },
        },
        {
          provide: ConsumerLagMetrics,
          inject: [Kafka, OPTIONS, Registry],
          useFactory: (kafka: Kafka, opts: MessagingModuleOptions, registry: Registry) => {
            const group = consumerGroupOf(opts.service);
            return new ConsumerLagMetrics(kafka, registry, group.groupId, group.topics);
          },
        },
        { provide: EVENT_TRANSPORT, useExisting: EventConsumerServer },
        {
          provide: OutboxRelay,
          inject: [EventProducer, OutboxStore, OPTIONS, Registry],
          useFactory: (producer: EventProducer, store: OutboxStore, opts: MessagingModuleOptions, registry: Registry) => {
            const relay = new OutboxRelay(producer, store, {
              sweepIntervalMs: opts.config.OUTBOX_SWEEP_INTERVAL_MS,
              batchSize: 100,
              // An order is written again within a second or two of its event (its next change,
              // its timeline): that write removes the published entry, which then costs no
              // document write of its own. A crash republishes at most this much.
              holdPublishedMs: HOLD_PUBLISHED_MS,
            });
            registerOutboxMetrics(registry, store);
            return relay;
          },
        },
        KafkaReadiness,
        MessagingLifecycle,
      ],
      exports: [Kafka, EventProducer, DirectPublisher, OutboxRelay, EventConsumerServer, EVENT_TRANSPORT, KafkaReadiness],
    };
  }
}
