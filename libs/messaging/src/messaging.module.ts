import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConsumerGroups, Topics } from '@orderflow/contracts';
import { EVENT_TRANSPORT, SERVICE_NAME, ServiceEnv } from '@orderflow/runtime';
import { OutboxStore } from '@orderflow/persistence';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { registerOutboxMetrics } from './outbox/outbox.metrics';
import { ConsumerLagMetrics } from './consumer/consumer-lag.metrics';
import { ConsumerMetrics } from './consumer/consumer.metrics';
import { EventConsumerServer } from './consumer/event-consumer.server';
import { EventProducer } from './event.producer';
import { createKafkaClient } from './kafka.client';
import { KafkaReadiness } from './kafka.readiness';
import { OutboxRelay } from './outbox/outbox.relay';

/** The service's consumer group and the topics it reads, from the topic registry. */
function consumerGroupOf(name: string): { groupId: string; topics: string[] } {
  const group = ConsumerGroups[name as keyof typeof ConsumerGroups];
  if (!group) throw new Error(`the topic registry has no consumer group for ${name}`);
  return { groupId: group.groupId, topics: group.topics.map((key) => Topics[key].name) };
}

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
 * Kafka for a service: the client, an idempotent producer, the transactional-outbox relay,
 * the consumer transport for its `@EventPattern` handlers (group and topics from the topic
 * registry, by service name), readiness and metrics.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: Kafka,
          inject: [SERVICE_NAME, ServiceEnv],
          useFactory: (name: string, env: ServiceEnv) => createKafkaClient(name, env),
        },
        { provide: EventProducer, inject: [Kafka], useFactory: (kafka: Kafka) => new EventProducer(kafka) },
        {
          provide: ConsumerMetrics,
          inject: [Registry],
          useFactory: (registry: Registry) => new ConsumerMetrics(registry),
        },
        {
          provide: EventConsumerServer,
          inject: [Kafka, EventProducer, SERVICE_NAME, ServiceEnv, ConsumerMetrics],
          useFactory: (kafka: Kafka, producer: EventProducer, name: string, env: ServiceEnv, metrics: ConsumerMetrics) => {
            const group = consumerGroupOf(name);
            return new EventConsumerServer(kafka, producer, {
              groupId: group.groupId,
              topics: group.topics,
              retry: { initialMs: env.CONSUMER_RETRY_INITIAL_MS, maxMs: env.CONSUMER_RETRY_MAX_MS },
              sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
              partitionsConsumedConcurrently: 6,
              keysConsumedConcurrently: 16,
            }, metrics);
          },
        },
        {
          provide: ConsumerLagMetrics,
          inject: [Kafka, SERVICE_NAME, Registry],
          useFactory: (kafka: Kafka, name: string, registry: Registry) => {
            const group = consumerGroupOf(name);
            return new ConsumerLagMetrics(kafka, registry, group.groupId, group.topics);
          },
        },
        { provide: EVENT_TRANSPORT, useExisting: EventConsumerServer },
        {
          provide: OutboxRelay,
          inject: [EventProducer, OutboxStore, ServiceEnv, Registry],
          useFactory: (producer: EventProducer, store: OutboxStore, env: ServiceEnv, registry: Registry) => {
            const relay = new OutboxRelay(producer, store, { sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS, batchSize: 100 });
            registerOutboxMetrics(registry, relay);
            return relay;
          },
        },
        KafkaReadiness,
        MessagingLifecycle,
      ],
      exports: [Kafka, EventProducer, OutboxRelay, EventConsumerServer, EVENT_TRANSPORT, KafkaReadiness],
    };
  }
}
