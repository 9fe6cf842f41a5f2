import { eventSchemas } from './event.registry';
import type { EventType } from './event.registry';
import { allTopics, ConsumerGroups, deadLetterTopic, Topics, topicNamed, topicOf } from './topics';

describe('topic registry', () => {
  const topics = Object.values(Topics);

  it('gives every event type exactly one topic', () => {
    const events = topics.flatMap((t) => t.events as readonly string[]);
    expect(new Set(events).size).toBe(events.length);
    for (const event of events) expect(topicOf(event).events).toContain(event);
  });

  it('routes exactly the registered event schemas', () => {
    const routed = topics.flatMap((t) => t.events as readonly string[]).sort();
    expect(routed).toEqual(eventSchemas.map((s) => s.typeName).sort());
  });

  it('puts each event on the topic of its own domain and major version', () => {
    for (const { typeName } of eventSchemas) {
      const [, domain, version] = /^orderflow\.([a-z]+)\.(v\d+)\.[A-Za-z]+$/.exec(typeName) ?? [];
      expect(topicOf(typeName).name).toBe(`orderflow.${domain}.events.${version}`);
    }
  });

  it('names topics with a version and keeps them distinct', () => {
    const names = allTopics().map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of topics) expect(t.name).toMatch(/^orderflow\.[a-z]+\.events\.v\d+$/);
  });

  it('has a dead-letter topic for each topic, with the same partitions', () => {
    for (const t of topics) {
      expect(allTopics()).toContainEqual({ name: deadLetterTopic(t.name), partitions: t.partitions });
    }
  });

  it('subscribes every consumer group only to existing topics, with distinct group ids', () => {
    const groups = Object.values(ConsumerGroups);
    expect(new Set(groups.map((g) => g.groupId)).size).toBe(groups.length);
    for (const group of groups) {
      for (const key of group.topics) expect(Topics[key]).toBeDefined();
    }
  });

  // The choreography of SPEC.md: what each service must hear to play its part.
  const needs: Record<keyof typeof ConsumerGroups, EventType[]> = {
    'order-api': ['orderflow.inventory.v1.InventoryReserved', 'orderflow.inventory.v1.InventoryRejected'],
    'inventory-service': ['orderflow.orders.v1.OrderCreated', 'orderflow.orders.v1.OrderCancelled'],
    'points-service': ['orderflow.orders.v1.OrderConfirmed', 'orderflow.orders.v1.OrderCancelled'],
    'notification-service': [
      'orderflow.orders.v1.OrderConfirmed',
      'orderflow.orders.v1.OrderRejected',
      'orderflow.orders.v1.OrderCancelled',
      'orderflow.points.v1.PointsAwarded',
      'orderflow.points.v1.PointsReversed',
    ],
  };

  it.each(Object.entries(needs))('subscribes %s to every event its part of the flow needs', (service, events) => {
    const subscribed = ConsumerGroups[service as keyof typeof ConsumerGroups].topics.map((key) => Topics[key].name);
    for (const event of events) expect(subscribed).toContain(topicOf(event).name);
  });

  it("lets order-api see every other service's events, for the order timeline (its own are written there with the order)", () => {
    const others = Object.entries(Topics)
      .filter(([, topic]) => topic.producer !== 'order-api')
      .map(([name]) => name);
    expect([...ConsumerGroups['order-api'].topics].sort()).toEqual(others.sort());
  });

  it('names one service of the system as the producer of each topic, and each service produces one topic at most', () => {
    const producers = topics.map((t) => t.producer);
    for (const producer of producers) expect(Object.keys(ConsumerGroups)).toContain(producer);
    expect(new Set(producers).size).toBe(producers.length);
    expect(topicNamed(Topics.points.name)).toBe(Topics.points);
    expect(topicNamed('orderflow.payments.events.v1')).toBeUndefined();
  });

  it('refuses an event type nobody declared', () => {
    expect(() => topicOf('orderflow.orders.v1.OrderTeleported')).toThrow('no topic carries');
  });
});
