/**
 * The topic registry: the single source of truth for topic names, partitions, which event
 * travels where, dead-letter topics and each service's consumer group. The services, the
 * local infra tool and the Kubernetes topic job all read it.
 *
 * Every event of one order is keyed by the order id, so a topic's partitioning keeps one
 * order's events in order; events a consumer must see in order share a topic. Event names
 * come from the generated schemas, so a renamed message cannot leave a stale string here.
 */

import { eventTypeOf } from './event.registry';
import { InventoryRejectedSchema, InventoryReleasedSchema, InventoryReservedSchema } from './gen/orderflow/inventory/v1/events_pb';
import { NotificationSentSchema } from './gen/orderflow/notifications/v1/events_pb';
import { OrderCancelledSchema, OrderConfirmedSchema, OrderCreatedSchema, OrderRejectedSchema } from './gen/orderflow/orders/v1/events_pb';
import { PointsAwardedSchema, PointsReversedSchema } from './gen/orderflow/points/v1/events_pb';

export interface TopicSpec {
  /** Versioned name: a breaking change ships as a new topic beside the old one. */
  readonly name: string;
  readonly partitions: number;
  /** Fully-qualified protobuf message names that travel on this topic. */
  readonly events: readonly string[];
  /**
   * The one service that writes this topic (its `ce_source`). Consumers refuse an event
   * from anyone else, or of a type the topic does not carry; the broker's ACLs are what stop
   * a client that claims to be the producer.
   */
  readonly producer: string;
}

/**
 * Partitions per topic bound how many replicas of a consumer can share the work, so they
 * also cap each service's autoscaler.
 */
export const PARTITIONS = 6;

export const Topics = {
  orders: {
    name: 'orderflow.orders.events.v1',
    partitions: PARTITIONS,
    events: [
      eventTypeOf(OrderCreatedSchema),
      eventTypeOf(OrderConfirmedSchema),
      eventTypeOf(OrderRejectedSchema),
      eventTypeOf(OrderCancelledSchema),
    ],
    producer: 'order-api',
  },
  inventory: {
    name: 'orderflow.inventory.events.v1',
    partitions: PARTITIONS,
    events: [eventTypeOf(InventoryReservedSchema), eventTypeOf(InventoryRejectedSchema), eventTypeOf(InventoryReleasedSchema)],
    producer: 'inventory-service',
  },
  points: {
    name: 'orderflow.points.events.v1',
    partitions: PARTITIONS,
    events: [eventTypeOf(PointsAwardedSchema), eventTypeOf(PointsReversedSchema)],
    producer: 'points-service',
  },
  notifications: {
    name: 'orderflow.notifications.events.v1',
    partitions: PARTITIONS,
    events: [eventTypeOf(NotificationSentSchema)],
    producer: 'notification-service',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof Topics;

/** Where a consumer parks a message that can never succeed, one per source topic. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlt`;

/**
 * Headers a dead-lettered message carries besides its own: why, and where it came from.
 * The consumers write them and the dead-letter tool reads them, so they live here.
 */
export const DeadLetterHeader = {
  reason: 'dlt-reason',
  code: 'dlt-error-code',
  topic: 'dlt-source-topic',
  partition: 'dlt-source-partition',
  offset: 'dlt-source-offset',
  group: 'dlt-consumer-group',
  at: 'dlt-at',
  /**
   * Set, to the size in bytes of the value left out, on a dead letter parked without its
   * value because with the headers above it would be over the broker's message size limit;
   * the value stays on the source topic at the offset `dlt-source-offset` names.
   */
  valueDropped: 'dlt-value-dropped',
} as const;

/**
 * The record of every dead letter sent back to its source topic (`npm run dlq -- replay`):
 * one JSON message per replay, keyed by the dead letter's id. Only the tool reads it.
 */
export const DEAD_LETTER_REPLAYS_TOPIC = { name: 'orderflow.dead-letters.replays.v1', partitions: 1 } as const;

export interface ConsumerGroupSpec {
  readonly groupId: string;
  readonly topics: readonly TopicKey[];
}

/** Each service's consumer group and the topics it reads. */
export const ConsumerGroups = {
  // Its own events enter an order's timeline as they are written: it reads only the others'.
  'order-api': { groupId: 'orderflow.order-api', topics: ['inventory', 'points', 'notifications'] },
  'inventory-service': { groupId: 'orderflow.inventory-service', topics: ['orders'] },
  'points-service': { groupId: 'orderflow.points-service', topics: ['orders'] },
  'notification-service': { groupId: 'orderflow.notification-service', topics: ['orders', 'points'] },
} as const satisfies Record<string, ConsumerGroupSpec>;

/**
 * Every topic the system needs, dead-letter topics and the record of their replays
 * included, as the infra tools create them.
 */
export function allTopics(): { name: string; partitions: number }[] {
  return [
    ...Object.values(Topics).flatMap((topic) => [
      { name: topic.name, partitions: topic.partitions },
      { name: deadLetterTopic(topic.name), partitions: topic.partitions },
    ]),
    { ...DEAD_LETTER_REPLAYS_TOPIC },
  ];
}

/** The registry's topic of that name, if it is one. */
export function topicNamed(name: string): TopicSpec | undefined {
  return Object.values(Topics).find((topic) => topic.name === name);
}

/** The topic an event type travels on; throws for a type the registry does not know. */
export function topicOf(eventType: string): TopicSpec {
  const topic = Object.values(Topics).find((t) => (t.events as readonly string[]).includes(eventType));
  if (!topic) throw new Error(`no topic carries ${eventType}`);
  return topic;
}
