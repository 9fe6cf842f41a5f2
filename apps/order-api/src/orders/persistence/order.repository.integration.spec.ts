import { Logger } from '@nestjs/common';
import { OrderCancelledSchema, OrderConfirmedSchema, OrderCreatedSchema, decodeEvent, isEvent } from '@orderflow/contracts';
import { OutboxStore } from '@orderflow/persistence';
import { infraEnv, uniqueName } from '@orderflow/testing';
import mongoose, { mongo, type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { OrderWorkflow } from '../commands/order.workflow';
import { newOrder } from '../domain/order';
import type { OrderInput } from '../domain/order.transitions';
import { orderEvent } from '../order.events';
import { OrderMetrics } from '../order.metrics';
import { OrderRepository } from './order.repository';
import { ORDER_MODEL, OrderSchema, type OrderDocument } from './order.schema';

/**
 * The order workflow against the real database. A consumer batch's changes go out as one bulk
 * of versioned updates, so concurrent inputs for one order may land in the same bulk: exactly
 * one of them may apply per version, each caller must learn truly whether its own did, and
 * the order's events must stay in the order they were written.
 */
describe('order changes (integration)', () => {
  let connection: Connection;
  let orders: Model<OrderDocument>;
  let repository: OrderRepository;
  let workflow: OrderWorkflow;
  let commands: string[];
  /** The statements of each update command, in order. */
  let updates: number[];
  const announced: string[] = [];
  /** The event ids each announcement carried, per order: what the relay is told to publish, oldest first. */
  const announcedEvents = new Map<string, string[]>();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await mongoose
      .createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-orders'), monitorCommands: true })
      .asPromise();
    orders = connection.model<OrderDocument>(ORDER_MODEL, OrderSchema);
    await orders.createIndexes();
    connection.getClient().on('commandStarted', (started) => {
      commands.push(started.commandName);
      if (started.commandName === 'update') updates.push((started.command['updates'] as unknown[]).length);
    });
    new OutboxStore(connection).listen((_, id, events) => {
      announced.push(id);
      announcedEvents.set(
        id,
        events.map((event) => event.eventId),
      );
    });
    repository = new OrderRepository(orders);
    workflow = new OrderWorkflow(repository, new OrderMetrics(new Registry(), repository));
  });

  beforeEach(() => {
    commands = [];
    updates = [];
    announced.length = 0;
    announcedEvents.clear();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  async function placed(): Promise<string> {
    const order = newOrder({
      id: randomUUID(),
      customerId: 'c-1',
      lines: [{ sku: 'SKU-1', quantity: 2 }],
      currency: 'USD',
      at: new Date(),
    });
    expect(await repository.insert(order, orderEvent(order, null), null)).toBe(true);
    return order.id;
  }

  const reserved: OrderInput = { kind: 'reserved', lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 150 }], total: 300 };
  const cause = () => ({
    eventId: randomUUID(),
    type: 'orderflow.inventory.v1.StockReserved',
    entry: { type: 'StockReserved', source: 'inventory-service', at: new Date() },
  });

  /** The order as stored: status, version, and its outbox's event types oldest first. */
  async function stored(id: string) {
    const doc = await orders.findById(id).lean<OrderDocument>().exec();
    if (!doc) throw new Error(`order ${id} is not stored`);
    const events = doc.outbox.map((m) => decodeEvent({ key: m.key, value: bytes(m.value), headers: m.headers }));
    return { status: doc.status, version: doc.version, events, seen: doc.seenEvents, timeline: Object.keys(doc.timeline ?? {}).length };
  }

  it('changes the orders of a batch with one bulk write, and announces each order with its outbox', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, placed));
    commands = [];
    announced.length = 0;
    announcedEvents.clear();
    const causes = ids.map(cause);
    const results = await Promise.all(ids.map((id, i) => workflow.apply(id, reserved, causes[i])));
    expect(results.every((r) => r.changed && r.order.status === 'CONFIRMED')).toBe(true);
    // One read (the outboxes come with the orders) and one bulk write: not one command per order.
    expect(commands.filter((name) => name === 'find')).toHaveLength(1);
    expect(commands.filter((name) => name === 'update')).toHaveLength(1);
    expect(new Set(announced)).toEqual(new Set(ids));
    for (const [i, id] of ids.entries()) {
      const order = await stored(id);
      // The order's earlier event, not removed from its outbox yet, is announced before its new one.
      expect(announcedEvents.get(id)).toEqual(order.events.map((event) => event.meta.eventId));
      // Its own two events, and the answer that confirmed it, entered with the change.
      expect(order).toMatchObject({ status: 'CONFIRMED', version: 1, timeline: 3 });
      expect((await repository.timeline(id))?.entries.map((e) => e.eventId)).toContain(causes[i].eventId);
      expect(order.events.map((e) => e.type)).toEqual([OrderCreatedSchema.typeName, OrderConfirmedSchema.typeName]);
    }
  });

  it('applies exactly one of two inputs that race for one order, and tells each caller truly', async () => {
    for (let round = 0; round < 10; round++) {
      const id = await placed();
      // Asked in the same turn, both read version 0 and go out in one bulk: one update finds
      // the version it decided on, the other does not and decides again on a fresh read.
      const [confirm, cancel] = await Promise.all([workflow.apply(id, reserved, cause()), workflow.apply(id, { kind: 'cancel' })]);
      const order = await stored(id);
      expect(order.status).toBe('CANCELLED');
      expect(confirm.changed).toBe(true);
      expect(cancel.changed).toBe(true);
      expect(order.version).toBe(2);
      const types = order.events.map((e) => e.type);
      expect(types).toEqual([OrderCreatedSchema.typeName, OrderConfirmedSchema.typeName, OrderCancelledSchema.typeName]);
      // The one that decided again announces the other's event too, which it read with the order.
      expect(announcedEvents.get(id)).toEqual(order.events.map((event) => event.meta.eventId));
      expect(isEvent(order.events[2], OrderCancelledSchema) && order.events[2].message.orderId).toBe(id);
    }
  });

  it('changes nothing for a redelivered event, even when both deliveries land in one bulk', async () => {
    for (let round = 0; round < 10; round++) {
      const id = await placed();
      const event = cause();
      const [first, second] = await Promise.all([workflow.apply(id, reserved, event), workflow.apply(id, reserved, event)]);
      expect([first.changed, second.changed].filter(Boolean)).toHaveLength(1);
      const order = await stored(id);
      expect(order).toMatchObject({ status: 'CONFIRMED', version: 1, seen: [event.eventId] });
      expect(order.events.map((e) => e.type)).toEqual([OrderCreatedSchema.typeName, OrderConfirmedSchema.typeName]);
    }
  });

  it('records an input that does not fit, once, with the event that brought it', async () => {
    const id = await placed();
    await workflow.apply(id, { kind: 'cancel' });
    const late = cause();
    const [a, b] = await Promise.all([workflow.apply(id, reserved, late), workflow.apply(id, reserved, late)]);
    expect(a.ignored ?? b.ignored).toBe('reservation for a CANCELLED order');
    const doc = await orders.findById(id).lean<OrderDocument>().exec();
    expect(doc?.status).toBe('CANCELLED');
    expect(doc?.ignoredEvents.map((e) => e.eventId)).toEqual([late.eventId]);
    expect(doc?.seenEvents).toEqual([late.eventId]);
  });

  it('records events that arrive together in one update per order, and tells of an order it does not have', async () => {
    const [first, second] = [await placed(), await placed()];
    updates = [];
    const entry = (type: string) => ({ type, source: 'points-service', at: new Date() });
    const [e1, e2, e3, e4]: string[] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const recorded = await Promise.all([
      repository.recordInTimeline(first, e1, entry('PointsAwarded')),
      repository.recordInTimeline(second, e2, entry('PointsAwarded')),
      repository.recordInTimeline(first, e3, entry('NotificationSent')),
      repository.recordInTimeline(randomUUID(), e4, entry('NotificationSent')),
    ]);

    expect(recorded).toEqual([true, true, true, false]);
    // One command, one statement per order: the first order's two events are one write.
    expect(updates).toEqual([3]);
    const timelines = await Promise.all([first, second].map((id) => repository.timeline(id)));
    expect(
      timelines.map((t) =>
        t?.entries
          .map((e) => e.eventId)
          .filter((id) => [e1, e2, e3].includes(id))
          .sort(),
      ),
    ).toEqual([[e1, e3].sort(), [e2]]);
  });
  it('removes with a timeline write the events published from its outbox, and keeps the ones that are not', async () => {
    const id = await placed();
    const [created] = (await orders.findById(id).lean<OrderDocument>().exec())?.outbox ?? [];
    // Its relay published OrderCreated, and the removal waits for the order's next write.
    const store = new OutboxStore(connection);
    store.hold(orders.collection.collectionName, new Map([[id, [created]]]));
    await workflow.apply(id, reserved, cause());
    expect((await stored(id)).events.map((e) => e.type)).toEqual([OrderCreatedSchema.typeName, OrderConfirmedSchema.typeName]);

    commands = [];
    const points = { type: 'PointsAwarded', source: 'points-service', at: new Date() };
    expect(await repository.recordInTimeline(id, randomUUID(), points)).toBe(true);

    // One write: the timeline entry, and OrderCreated gone with it; OrderConfirmed still waits.
    expect(commands).toEqual(['update']);
    expect((await stored(id)).events.map((e) => e.type)).toEqual([OrderConfirmedSchema.typeName]);
    expect(store.isPublished(orders.collection.collectionName, id, created.eventId)).toBe(false);
    expect((await repository.timeline(id))?.entries.map((e) => e.type)).toContain('PointsAwarded');
  });
});

const bytes = (value: Buffer | mongo.Binary): Buffer => (value instanceof mongo.Binary ? Buffer.from(value.buffer) : Buffer.from(value));
