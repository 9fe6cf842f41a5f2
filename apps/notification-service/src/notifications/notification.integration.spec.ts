import { Logger } from '@nestjs/common';
import { decodeEvent, NotificationSentSchema, NotificationStatus, type NotificationSent } from '@orderflow/contracts';
import { eventually, infraEnv, uniqueName } from '@orderflow/testing';
import { OutboxStore, type OutboxMessage } from '@orderflow/persistence';
import mongoose, { mongo, type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { NotificationDispatcher, type DispatchOptions } from './dispatch/notification.dispatcher';
import { NotificationMetrics } from './notification.metrics';
import { newNotification, notificationId, notificationKey, type NotificationKind } from './domain/notification';
import { NotificationSender, SendError, type OutgoingNotification } from './domain/notification.sender';
import { sentEvent } from './notification.events';
import {
  NOTIFICATION_MODEL,
  NotificationSchema,
  type NotificationDocument,
  type StoredNotification,
} from './persistence/notification.schema';
import { NotificationRepository } from './persistence/notification.repository';
import { RecordNotificationHandler } from './commands/record-notification/record-notification.handler';
import { WebhookNotificationSender } from './dispatch/webhook.sender';

/**
 * The notification store and dispatcher against the real database: recording is idempotent,
 * sending retries with backoff and ends SENT or FAILED with its event in the same document,
 * a failing notification holds up no other, and an attempt cut short is made again.
 */
describe('notifications (integration)', () => {
  let connection: Connection;
  let model: Model<NotificationDocument>;
  let repository: NotificationRepository;
  /** Writes that announced outbox events to the relay, as `<collection>/<id>`. */
  const kicks: string[] = [];
  const dispatchers: NotificationDispatcher[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    // The dispatcher's log lines are asserted through the stored outcomes instead.
    Logger.overrideLogger(false);
    connection = await mongoose.createConnection(infraEnv().MONGODB_URI).asPromise();
  });

  // Each test gets a database of its own, so what one leaves pending is not another's work.
  beforeEach(() => {
    model = connection.useDb(uniqueName('it-notifications')).model<NotificationDocument>(NOTIFICATION_MODEL, NotificationSchema);
    new OutboxStore(model.db).listen((collection, id) => kicks.push(`${collection}/${id}`));
    repository = new NotificationRepository(model);
  });

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.stop()));
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await model.db.dropDatabase();
  });

  afterAll(async () => {
    await connection.close();
  });

  const options = (overrides: Partial<DispatchOptions> = {}): DispatchOptions => ({
    policy: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
    pollIntervalMs: 20,
    concurrency: 10,
    leaseMs: 5_000,
    shutdownGraceMs: 2_000,
    firstAttemptWaitMs: 1_000,
    ...overrides,
  });

  function dispatcher(
    sender: NotificationSender,
    overrides: Partial<DispatchOptions> = {},
    publisher?: RecordingPublisher,
    over: NotificationRepository = repository,
  ): NotificationDispatcher {
    const created = new NotificationDispatcher(over, sender, options(overrides), new NotificationMetrics(new Registry()), publisher);
    dispatchers.push(created);
    return created;
  }

  /** Records an ORDER_CONFIRMED notification for a new order, as the consumer would; nothing dispatches it. */
  async function recorded(customerId = uniqueName('c'), kind: NotificationKind = 'ORDER_CONFIRMED') {
    const orderId = randomUUID();
    const idle = new NotificationDispatcher(repository, new RecordingSender(), options(), new NotificationMetrics(new Registry()));
    const facts =
      kind === 'ORDER_CONFIRMED'
        ? { kind, orderId, total: 3997n, currency: 'USD' }
        : { kind: 'POINTS_AWARDED' as const, orderId, points: 39n, orderTotal: 3997n, currency: 'USD' };
    await new RecordNotificationHandler(repository, idle).execute({ customerId, facts, eventId: randomUUID() });
    return { orderId, customerId, key: notificationKey(orderId, kind) };
  }

  /** One notification as stored in its order's document, with that document's outbox and customer. */
  async function stored(key: string): Promise<StoredNotification & Pick<NotificationDocument, 'outbox' | 'customerId'>> {
    const [orderId, kind] = key.split(':') as [string, NotificationKind];
    const doc = (await model.findById(orderId).lean<NotificationDocument>().exec()) as NotificationDocument;
    return { ...(doc.kinds[kind] as StoredNotification), outbox: doc.outbox ?? [], customerId: doc.customerId };
  }

  const outboxEvents = (doc: Pick<NotificationDocument, 'outbox'>) =>
    doc.outbox.map((entry) => {
      const value = entry.value as unknown as Buffer | mongo.Binary;
      const bytes = value instanceof mongo.Binary ? Buffer.from(value.buffer) : Buffer.from(value);
      const event = decodeEvent({ key: entry.key, value: bytes, headers: entry.headers });
      expect(event.type).toBe(NotificationSentSchema.typeName);
      return event as { message: NotificationSent; meta: { causationId?: string } };
    });

  /** Makes a notification look created `ms` from now, as its order's document says. */
  async function later(orderId: string, kind: NotificationKind, ms: number) {
    const at = new Date(Date.now() + ms);
    await model.updateOne({ _id: orderId }, { $set: { [`kinds.${kind}.createdAt`]: at, latestAt: at } });
  }

  /** A local webhook that fails every notification about `failingOrder` with 500 and accepts the rest. */
  async function webhook(failingOrder: string) {
    const posts: { orderId: string; id: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const notification = JSON.parse(body) as { orderId: string; id: string };
        posts.push(notification);
        res.writeHead(notification.orderId === failingOrder ? 500 : 204).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    return {
      sender: new WebhookNotificationSender({ url, timeoutMs: 2_000, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` }),
      posts,
    };
  }

  it('records a notification once, PENDING, however often its event is delivered', async () => {
    const orderId = randomUUID();
    const sender = new RecordingSender();
    const handler = new RecordNotificationHandler(repository, dispatcher(sender));
    const event = { customerId: 'c-once', facts: { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' } };
    const firstEventId = randomUUID();
    await handler.execute({ ...event, eventId: firstEventId });
    await handler.execute({ ...event, eventId: firstEventId });
    await handler.execute({ ...event, eventId: randomUUID() });

    expect(await repository.list({ orderId, limit: 100 })).toHaveLength(1);
    expect(await stored(notificationKey(orderId, 'ORDER_CANCELLED'))).toMatchObject({
      id: notificationId(orderId, 'ORDER_CANCELLED'),
      customerId: 'c-once',
      status: 'PENDING',
      attempts: 0,
      causationId: firstEventId,
      message: `Your order ${orderId} ($25.00) has been cancelled.`,
      outbox: [],
    });
    expect(sender.sent).toEqual([]);
  });

  it('records each notification once when many events, repeats among them, are recorded at the same time', async () => {
    const handler = new RecordNotificationHandler(repository, dispatcher(new RecordingSender()));
    const orders = Array.from({ length: 20 }, () => randomUUID());
    const deliveries = orders.flatMap((orderId) => {
      const facts = { kind: 'ORDER_CONFIRMED' as const, orderId, total: 1000n, currency: 'USD' };
      return [0, 1, 2].map(() => ({ customerId: 'c-together', facts, eventId: randomUUID() }));
    });
    await Promise.all(deliveries.map((delivery) => handler.execute(delivery)));

    expect(await model.countDocuments({ customerId: 'c-together' })).toBe(orders.length);
    for (const orderId of orders) expect(await repository.list({ orderId, limit: 100 })).toHaveLength(1);
  });

  it('sends a pending notification once and marks it SENT together with its NotificationSent event', async () => {
    const { orderId, key } = await recorded('c-sent');
    const sender = new RecordingSender();
    await dispatcher(sender).dispatchDue();

    expect(sender.sent.filter((n) => n.orderId === orderId)).toEqual([
      expect.objectContaining({
        id: notificationId(orderId, 'ORDER_CONFIRMED'),
        customerId: 'c-sent',
        kind: 'ORDER_CONFIRMED',
        channel: 'email',
      }),
    ]);
    const doc = await stored(key);
    expect(doc).toMatchObject({ status: 'SENT', attempts: 1, failureReason: null });
    expect(doc.finishedAt).toBeInstanceOf(Date);
    const [event] = outboxEvents(doc);
    expect(event.message).toMatchObject({
      notificationId: notificationId(orderId, 'ORDER_CONFIRMED'),
      orderId,
      customerId: 'c-sent',
      channel: 'email',
      status: NotificationStatus.SENT,
    });
    expect(event.meta.causationId).toBe(doc.causationId);
    expect(kicks).toContain(`order_notifications/${key.split(':')[0]}`);

    // Nothing is due any more: another pass sends nothing again.
    await dispatcher(sender).dispatchDue();
    expect(sender.sent.filter((n) => n.orderId === orderId)).toHaveLength(1);
  });

  it('publishes the outcome before storing it when the broker takes it, and stores no outbox entry to remove later', async () => {
    const { orderId, key } = await recorded('c-direct');
    const publisher = new RecordingPublisher();
    kicks.length = 0;
    await dispatcher(new RecordingSender(), {}, publisher).dispatchDue();

    const doc = await stored(key);
    expect(doc).toMatchObject({ status: 'SENT', attempts: 1, outbox: [] });
    expect(publisher.published).toEqual([
      expect.objectContaining({ type: NotificationSentSchema.typeName, key: orderId, eventId: expect.any(String) }),
    ]);
    // Nothing was announced to the relay: there is nothing for it to publish or remove.
    expect(kicks).not.toContain(`order_notifications/${key.split(':')[0]}`);
  });

  it('stores the outcome with its event in the outbox when the broker does not take it', async () => {
    const { key } = await recorded('c-broker-down');
    const publisher = new RecordingPublisher(false);
    await dispatcher(new RecordingSender(), {}, publisher).dispatchDue();

    const doc = await stored(key);
    expect(doc).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(outboxEvents(doc).map((event) => event.message.status)).toEqual([NotificationStatus.SENT]);
    expect(publisher.published).toEqual([]);
    expect(kicks).toContain(`order_notifications/${key.split(':')[0]}`);
  });

  it('publishes the same event again when a crash came between publishing an outcome and storing it', async () => {
    const { key } = await recorded('c-crash');
    const publisher = new RecordingPublisher();
    const sender = new RecordingSender();
    // The first dispatcher dies right after publishing: its write never happens.
    await dispatcher(sender, { leaseMs: 50 }, publisher, new DiesBeforeFinishing(model)).dispatchDue();
    expect(await stored(key)).toMatchObject({ status: 'PENDING', attempts: 1 });

    // Once its claim runs out, another dispatcher makes the attempt again.
    await eventually(async () => {
      await dispatcher(sender, { leaseMs: 50 }, publisher).dispatchDue();
      expect(await stored(key)).toMatchObject({ status: 'SENT', attempts: 2, outbox: [] });
    });
    expect(sender.sent).toHaveLength(2);
    const [first, again] = publisher.published;
    expect(again.eventId).toBe(first.eventId);
  });

  it('stores a new notification in one write, SENT, when its first attempt succeeds as it is recorded', async () => {
    const sender = new RecordingSender();
    const writes = new CountingRepository(model);
    const running = dispatcher(sender, { pollIntervalMs: 60_000 }, undefined, writes);
    running.start();
    const orderId = randomUUID();
    const facts = { kind: 'ORDER_CONFIRMED' as const, orderId, total: 2500n, currency: 'USD' };
    const handler = new RecordNotificationHandler(writes, running);
    await handler.execute({ customerId: 'c-one-write', facts, eventId: randomUUID() });

    // Stored when recording returns, SENT, and never written again.
    const doc = await stored(notificationKey(orderId, 'ORDER_CONFIRMED'));
    expect(doc).toMatchObject({ status: 'SENT', attempts: 1, failureReason: null });
    expect(doc.finishedAt).toBeInstanceOf(Date);
    expect(outboxEvents(doc).map((event) => event.message.status)).toEqual([NotificationStatus.SENT]);
    expect(writes.calls).toEqual({ insert: 1, claim: 0, finish: 0, reschedule: 0 });

    // A redelivery, or a replay of the event, finds it and sends nothing again.
    await handler.execute({ customerId: 'c-one-write', facts, eventId: randomUUID() });
    expect(sender.sent.map((n) => n.orderId)).toEqual([orderId]);
    expect(writes.calls.insert).toBe(1);
  });

  /** Counts the order documents written (updates and upserts), through the store's bulk writes and single updates. */
  function countWrites(): { orders: string[] } {
    const counted = { orders: [] as string[] };
    const collection = model.collection as unknown as mongo.Collection;
    const bulkWrite = collection.bulkWrite.bind(collection);
    jest.spyOn(collection, 'bulkWrite').mockImplementation((operations, bulkOptions) => {
      for (const op of operations as unknown as { updateOne?: { filter: { _id: string } } }[])
        if (op.updateOne) counted.orders.push(op.updateOne.filter._id);
      return bulkWrite(operations, bulkOptions);
    });
    return counted;
  }

  it('publishes and stores an order’s confirmation and its points, coming moments apart, together: one produce request, one write', async () => {
    const sender = new RecordingSender();
    const publisher = new RecordingPublisher();
    const running = dispatcher(sender, { pollIntervalMs: 60_000 }, publisher);
    running.start();
    const handler = new RecordNotificationHandler(repository, running);
    const writes = countWrites();
    const orderId = randomUUID();
    const customerId = uniqueName('c-pair');
    const settled: Promise<unknown>[] = [];
    const settleLater = (effect: Promise<unknown>) => settled.push(effect);
    // As the consumers hand them over: neither waits for the recording, which waits for its companion.
    await handler.execute({
      customerId,
      facts: { kind: 'ORDER_CONFIRMED', orderId, total: 3997n, currency: 'USD' },
      eventId: randomUUID(),
      settleLater,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes.orders).toEqual([]);
    await handler.execute({
      customerId,
      facts: { kind: 'POINTS_AWARDED', orderId, points: 39n, orderTotal: 3997n, currency: 'USD' },
      eventId: randomUUID(),
      settleLater,
    });
    await Promise.all(settled);

    expect(writes.orders).toEqual([orderId]);
    expect((await repository.list({ orderId, limit: 100 })).map((n) => [n.kind, n.status]).sort()).toEqual([
      ['ORDER_CONFIRMED', 'SENT'],
      ['POINTS_AWARDED', 'SENT'],
    ]);
    expect(sender.sent.map((n) => n.kind).sort()).toEqual(['ORDER_CONFIRMED', 'POINTS_AWARDED']);
    // Both NotificationSent in one request, so order-api gets them together for its timeline.
    expect(publisher.calls).toEqual([2]);
  });

  it('looks an order up once for its confirmation and its points, and finds a redelivered one without a query', async () => {
    const handler = new RecordNotificationHandler(repository, dispatcher(new RecordingSender(), { pollIntervalMs: 60_000 }));
    const collection = model.collection as unknown as mongo.Collection;
    const find = jest.spyOn(collection, 'find');
    const orderId = randomUUID();
    const confirmed = { customerId: 'c-lookup', facts: { kind: 'ORDER_CONFIRMED' as const, orderId, total: 3997n, currency: 'USD' } };
    const points = {
      customerId: 'c-lookup',
      facts: { kind: 'POINTS_AWARDED' as const, orderId, points: 39n, orderTotal: 3997n, currency: 'USD' },
    };
    const lookups: Promise<boolean>[] = [];
    const exists = repository.exists.bind(repository);
    jest.spyOn(repository, 'exists').mockImplementation((id, kind) => {
      const lookup = exists(id, kind);
      lookups.push(lookup);
      return lookup;
    });
    const settled: Promise<unknown>[] = [];
    const settleLater = (effect: Promise<unknown>) => settled.push(effect);
    await handler.execute({ ...confirmed, eventId: randomUUID(), settleLater });
    // The points come once the confirmation's lookup has answered, however slow the database.
    await lookups[0];
    await handler.execute({ ...points, eventId: randomUUID(), settleLater });
    await Promise.all(settled);
    await handler.execute({ ...confirmed, eventId: randomUUID() });

    expect(lookups).toHaveLength(3);
    expect(find).toHaveBeenCalledTimes(1);
    expect((await repository.list({ orderId, limit: 100 })).map((n) => n.kind).sort()).toEqual(['ORDER_CONFIRMED', 'POINTS_AWARDED']);
  });

  it('fails a delivery that came while the same event was being recorded when that recording fails, so its event is handled again', async () => {
    const sender = new RecordingSender();
    const running = dispatcher(sender, { pollIntervalMs: 60_000 });
    running.start();
    const handler = new RecordNotificationHandler(repository, running);
    jest.spyOn(repository, 'record').mockRejectedValueOnce(new Error('connection 3 to the database closed'));
    const orderId = randomUUID();
    const event = {
      customerId: 'c-inflight',
      facts: { kind: 'ORDER_CONFIRMED' as const, orderId, total: 3997n, currency: 'USD' },
      eventId: randomUUID(),
    };
    const settled: Promise<unknown>[] = [];
    const settleLater = (effect: Promise<unknown>) => settled.push(effect);
    // The partition went back while the first delivery waited for its companion: the same event again.
    await handler.execute({ ...event, settleLater });
    await handler.execute({ ...event, settleLater });
    expect((await Promise.allSettled(settled)).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);

    // Handled again, it is recorded (and sent again: at least once).
    await handler.execute(event);
    expect(await stored(notificationKey(orderId, 'ORDER_CONFIRMED'))).toMatchObject({ status: 'SENT' });
    expect(sender.sent.map((n) => n.orderId)).toEqual([orderId, orderId]);
  });

  it('stores a notification whose companion does not come alone, adds a later one to its order, and records neither twice', async () => {
    const sender = new RecordingSender();
    const running = dispatcher(sender, { pollIntervalMs: 60_000 });
    running.start();
    const handler = new RecordNotificationHandler(repository, running);
    const writes = countWrites();
    const orderId = randomUUID();
    const confirmed = { customerId: 'c-alone', facts: { kind: 'ORDER_CONFIRMED' as const, orderId, total: 2500n, currency: 'USD' } };
    const cancelled = { customerId: 'c-alone', facts: { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' } };
    await handler.execute({ ...confirmed, eventId: randomUUID() });
    expect(await stored(notificationKey(orderId, 'ORDER_CONFIRMED'))).toMatchObject({ status: 'SENT' });
    await handler.execute({ ...cancelled, eventId: randomUUID() });
    // Redeliveries of both, at the same time: each finds its notification, or the one in flight.
    await Promise.all([confirmed, cancelled, cancelled].map((event) => handler.execute({ ...event, eventId: randomUUID() })));

    expect(writes.orders).toEqual([orderId, orderId]);
    expect((await repository.list({ orderId, limit: 100 })).map((n) => n.kind)).toEqual(['ORDER_CANCELLED', 'ORDER_CONFIRMED']);
    expect(sender.sent.map((n) => n.kind)).toEqual(['ORDER_CONFIRMED', 'ORDER_CANCELLED']);
  });

  it('keeps an order out of the scan for due notifications once none of its notifications is pending', async () => {
    const { orderId } = await recorded('c-due');
    const [pending] = await repository.due(new Date(), 100);
    expect(pending).toMatchObject({ orderId, status: 'PENDING' });
    // Claimed: not due until its claim runs out, and the scan moves the order's `due` there.
    const leaseUntil = new Date(Date.now() + 60_000);
    expect(await repository.claim(pending, new Date(), leaseUntil)).toBe(true);
    expect(await repository.due(new Date(), 100)).toEqual([]);
    expect((await model.findById(orderId).lean<NotificationDocument>().exec())?.due).toEqual(leaseUntil);

    expect(await repository.finish({ ...pending, attempts: 1 }, { status: 'SENT' }, new Date(), null)).toBe(true);
    expect(await repository.due(new Date(leaseUntil.getTime() + 1), 100)).toEqual([]);
    expect((await model.findById(orderId).lean<NotificationDocument>().exec())?.due).toBeUndefined();
  });

  it('moves notifications stored one document per order and kind by an earlier version into their orders, once', async () => {
    const legacy = model.db.collection('notifications');
    const orderId = randomUUID();
    const at = new Date(Date.now() - 60_000);
    const old = (kind: NotificationKind, status: string, extra: object = {}) => ({
      _id: notificationKey(orderId, kind),
      notificationId: notificationId(orderId, kind),
      orderId,
      customerId: 'c-legacy',
      kind,
      channel: 'email',
      status,
      message: `${kind} message`,
      attempts: 1,
      nextAttemptAt: at,
      lastError: null,
      failureReason: null,
      causationId: randomUUID(),
      createdAt: at,
      updatedAt: at,
      finishedAt: status === 'PENDING' ? null : at,
      outbox: [],
      ...extra,
    });
    const event = sentEvent(
      newNotification({ orderId, customerId: 'c-legacy', kind: 'ORDER_CONFIRMED', message: 'm', causationId: randomUUID(), at }),
      'SENT',
      at,
    );
    await legacy.insertMany([old('ORDER_CONFIRMED', 'SENT', { outbox: [event] }), old('POINTS_AWARDED', 'PENDING')] as never[]);

    const sender = new RecordingSender();
    await dispatcher(sender).dispatchDue();
    // Another replica starting later finds nothing left to move.
    expect(await new NotificationRepository(model).list({ orderId, limit: 100 })).toHaveLength(2);

    expect(await legacy.countDocuments()).toBe(0);
    expect(await stored(notificationKey(orderId, 'ORDER_CONFIRMED'))).toMatchObject({
      status: 'SENT',
      id: notificationId(orderId, 'ORDER_CONFIRMED'),
    });
    // Its event, still to publish, moved with it (the order's outbox holds its other notification's too).
    const events = outboxEvents(await stored(notificationKey(orderId, 'ORDER_CONFIRMED')));
    expect(events.filter((e) => e.message.notificationId === notificationId(orderId, 'ORDER_CONFIRMED'))).toHaveLength(1);
    // The pending one was due, so the scan that moved it sent it.
    expect(await stored(notificationKey(orderId, 'POINTS_AWARDED'))).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(sender.sent.map((n) => n.kind)).toEqual(['POINTS_AWARDED']);
  });

  it('stores a new notification PENDING with its attempt claimed when the channel is slow to answer, then the outcome', async () => {
    // The channel answers only once the PENDING record is checked: a slow machine's delays
    // cannot let the outcome be stored first.
    let answer!: () => void;
    const sender = new RecordingSender(0, new Promise<void>((resolve) => (answer = resolve)));
    const running = dispatcher(sender, { pollIntervalMs: 60_000, firstAttemptWaitMs: 50 });
    running.start();
    const orderId = randomUUID();
    const facts = { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' };
    await new RecordNotificationHandler(repository, running).execute({ customerId: 'c-slow', facts, eventId: randomUUID() });

    const key = notificationKey(orderId, 'ORDER_CANCELLED');
    const recordedDoc = await stored(key);
    expect(recordedDoc).toMatchObject({ status: 'PENDING', attempts: 1 });
    // Claimed: no scan takes it over while the attempt runs.
    expect(recordedDoc.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 1_000);
    answer();
    await eventually(async () => expect(await stored(key)).toMatchObject({ status: 'SENT', attempts: 1 }), { timeoutMs: 5_000 });
    expect(sender.started).toBe(1);
  });

  it('makes no first attempt while as many slow ones as it sends at once are running: a slow channel is not flooded', async () => {
    const sender = new RecordingSender(300);
    const running = dispatcher(sender, { pollIntervalMs: 60_000, firstAttemptWaitMs: 30, concurrency: 1 });
    running.start();
    const handler = new RecordNotificationHandler(repository, running);
    const orders = Array.from({ length: 5 }, () => randomUUID());
    for (const orderId of orders) {
      const facts = { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' };
      await handler.execute({ customerId: 'c-slow-channel', facts, eventId: randomUUID() });
    }

    await eventually(
      async () => {
        for (const orderId of orders) {
          expect(await stored(notificationKey(orderId, 'ORDER_CANCELLED'))).toMatchObject({ status: 'SENT', attempts: 1 });
        }
      },
      { timeoutMs: 10_000 },
    );
    expect(sender.sent.map((n) => n.orderId).sort()).toEqual([...orders].sort());
    // One slow first attempt, then the loop's one at a time: never all five at once.
    expect(sender.mostAtOnce).toBeLessThanOrEqual(2);
  });

  it('stores a new notification FAILED at once, with its event, when the channel refuses it for good on the first attempt', async () => {
    const running = dispatcher(new FailingSender(false, 'webhook answered 422'), { pollIntervalMs: 60_000 });
    running.start();
    const orderId = randomUUID();
    const facts = { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' };
    await new RecordNotificationHandler(repository, running).execute({ customerId: 'c-refused-first', facts, eventId: randomUUID() });

    const doc = await stored(notificationKey(orderId, 'ORDER_CANCELLED'));
    expect(doc).toMatchObject({ status: 'FAILED', attempts: 1, failureReason: 'not retryable: webhook answered 422' });
    expect(outboxEvents(doc).map((event) => event.message.status)).toEqual([NotificationStatus.FAILED]);
  });

  it('sends what it has just recorded at once, without waiting for the next scan', async () => {
    const sender = new RecordingSender();
    // A minute between scans: only the hand-over from recording to sending can be this quick.
    const running = dispatcher(sender, { pollIntervalMs: 60_000 });
    running.start();
    const orderId = randomUUID();
    const facts = { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' };
    await new RecordNotificationHandler(repository, running).execute({ customerId: 'c-offer', facts, eventId: randomUUID() });

    await eventually(
      async () => expect(await stored(notificationKey(orderId, 'ORDER_CANCELLED'))).toMatchObject({ status: 'SENT', attempts: 1 }),
      {
        timeoutMs: 5_000,
      },
    );
    expect(sender.sent.map((n) => n.orderId)).toEqual([orderId]);
  });

  it('retries a failed attempt of its own once the backoff is over, without waiting for the next scan', async () => {
    const sender = new FailsOnceSender();
    const running = dispatcher(sender, { pollIntervalMs: 60_000 });
    running.start();
    const orderId = randomUUID();
    const facts = { kind: 'ORDER_CANCELLED' as const, orderId, total: 2500n, currency: 'USD' };
    await new RecordNotificationHandler(repository, running).execute({ customerId: 'c-retry', facts, eventId: randomUUID() });

    await eventually(
      async () => expect(await stored(notificationKey(orderId, 'ORDER_CANCELLED'))).toMatchObject({ status: 'SENT', attempts: 2 }),
      {
        timeoutMs: 5_000,
      },
    );
    expect(sender.calls).toBe(2);
  });

  it('retries a failing webhook with backoff, ends FAILED with the reason, and holds up no other notification', async () => {
    const failing = await recorded('c-failing');
    const fine = await recorded('c-fine');
    const { sender, posts } = await webhook(failing.orderId);
    dispatcher(sender).start();

    const sent = await eventually(async () => {
      const doc = await stored(fine.key);
      if (doc.status !== 'SENT') throw new Error(`fine notification is ${doc.status}`);
      return doc;
    });
    const failed = await eventually(async () => {
      const doc = await stored(failing.key);
      if (doc.status !== 'FAILED') throw new Error(`failing notification is ${doc.status} after ${doc.attempts} attempts`);
      return doc;
    });

    expect(Number(sent.finishedAt)).toBeLessThan(Number(failed.finishedAt));
    expect(failed).toMatchObject({ attempts: 3, failureReason: 'gave up after 3 attempts: webhook answered 500 Internal Server Error' });
    const failingPosts = posts.filter((p) => p.orderId === failing.orderId);
    expect(failingPosts).toHaveLength(3);
    expect(new Set(failingPosts.map((p) => p.id))).toEqual(new Set([notificationId(failing.orderId, 'ORDER_CONFIRMED')]));
    expect(posts.filter((p) => p.orderId === fine.orderId)).toHaveLength(1);
    expect(outboxEvents(failed).map((e) => e.message.status)).toEqual([NotificationStatus.FAILED]);
  });

  it('fails at once, without retrying, when the webhook refuses the message', async () => {
    const { key } = await recorded('c-refused');
    await dispatcher(new FailingSender(false, 'webhook answered 422')).dispatchDue();
    expect(await stored(key)).toMatchObject({ status: 'FAILED', attempts: 1, failureReason: 'not retryable: webhook answered 422' });
  });

  it('sends again an attempt cut short by a crash once its claim runs out, and ignores the late outcome of the old one', async () => {
    const { key, orderId } = await recorded('c-crash');
    const [pending] = await repository.due(new Date(), 100);
    expect(pending.orderId).toBe(orderId);
    // A dispatcher claims the attempt and dies before it can store the outcome. The claim runs
    // for 2 s: long enough that a busy database's slow acknowledgement of it does not end it
    // before the pass below looks, which must find nothing due.
    expect(await repository.claim(pending, new Date(), new Date(Date.now() + 2_000))).toBe(true);
    const sender = new RecordingSender();
    await dispatcher(sender).dispatchDue();
    expect(sender.sent.filter((n) => n.orderId === orderId)).toEqual([]);
    expect(await stored(key)).toMatchObject({ status: 'PENDING', attempts: 1 });

    dispatcher(sender).start();
    await eventually(async () => expect(await stored(key)).toMatchObject({ status: 'SENT', attempts: 2 }));
    expect(sender.sent.filter((n) => n.orderId === orderId)).toHaveLength(1);
    const stale = { ...pending, attempts: 1 };
    expect(await repository.finish(stale, { status: 'FAILED', reason: 'late' }, new Date(), sentEvent(stale, 'FAILED', new Date()))).toBe(
      false,
    );
    expect(await stored(key)).toMatchObject({ status: 'SENT', failureReason: null });
  });

  it('sends each notification once when two dispatchers (replicas) race for the same ones', async () => {
    const customerId = uniqueName('c-race');
    const orders = await Promise.all(Array.from({ length: 20 }, () => recorded(customerId)));
    const sender = new RecordingSender(5);
    dispatcher(sender, { concurrency: 4 }).start();
    dispatcher(sender, { concurrency: 4 }).start();

    await eventually(async () => {
      const statuses = await repository.list({ customerId, limit: 100 });
      expect(statuses.filter((n) => n.status === 'SENT')).toHaveLength(orders.length);
    });
    const ids = sender.sent.filter((n) => n.customerId === customerId).map((n) => n.id);
    expect(ids).toHaveLength(orders.length);
    expect(new Set(ids).size).toBe(orders.length);
  });

  it('finishes the send in flight before it stops', async () => {
    const { key } = await recorded('c-shutdown');
    const sender = new RecordingSender(300);
    const running = dispatcher(sender);
    running.start();
    await eventually(() => expect(sender.started).toBeGreaterThan(0));
    await running.stop();
    expect(await stored(key)).toMatchObject({ status: 'SENT' });
  });

  it('lists an order’s or a customer’s notifications, newest first', async () => {
    const customerId = uniqueName('c-list');
    const first = await recorded(customerId);
    const second = await recorded(customerId);
    await later(second.orderId, 'ORDER_CONFIRMED', 1_000);
    const points = await recorded(customerId, 'POINTS_AWARDED');
    await later(points.orderId, 'POINTS_AWARDED', 2_000);
    await recorded('someone-else');

    const byCustomer = await repository.list({ customerId, limit: 100 });
    expect(byCustomer.map((n) => n.orderId)).toEqual([points.orderId, second.orderId, first.orderId]);
    expect((await repository.list({ customerId, limit: 2 })).map((n) => n.orderId)).toEqual([points.orderId, second.orderId]);
    expect((await repository.list({ orderId: first.orderId, limit: 100 })).map((n) => n.kind)).toEqual(['ORDER_CONFIRMED']);
    expect(await repository.list({ orderId: first.orderId, customerId: 'someone-else', limit: 100 })).toEqual([]);
  });
});

/** Accepts every notification after `delayMs`, remembering what it sent. */
class RecordingSender extends NotificationSender {
  readonly name = 'recording';
  readonly sent: OutgoingNotification[] = [];
  started = 0;
  /** Sends in flight now, and the most there were at once. */
  atOnce = 0;
  mostAtOnce = 0;

  /** Each send takes `delayMs`, and waits for `until` if given (a channel that answers when the test says). */
  constructor(
    private readonly delayMs = 0,
    private readonly until?: Promise<void>,
  ) {
    super();
  }

  async send(notification: OutgoingNotification): Promise<void> {
    this.started += 1;
    this.atOnce += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.atOnce);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.until;
    this.atOnce -= 1;
    this.sent.push(notification);
  }
}

/** Refuses the first notification it is given with a retryable error, then accepts. */
class FailsOnceSender extends NotificationSender {
  readonly name = 'fails-once';
  calls = 0;

  async send(): Promise<void> {
    this.calls += 1;
    if (this.calls === 1) throw new SendError('webhook answered 503', true);
  }
}

class FailingSender extends NotificationSender {
  readonly name = 'failing';

  constructor(
    private readonly retryable: boolean,
    private readonly reason: string,
  ) {
    super();
  }

  async send(): Promise<void> {
    throw new SendError(this.reason, this.retryable);
  }
}

/** A direct publisher that takes every event (or none, as a broker that is down). */
class RecordingPublisher {
  readonly published: OutboxMessage[] = [];
  /** How many events each call carried. */
  readonly calls: number[] = [];

  constructor(private readonly up = true) {}

  async publish(events: readonly OutboxMessage[]): Promise<void> {
    this.calls.push(events.length);
    if (!this.up) throw new Error('the broker did not take the events within 2000 ms');
    this.published.push(...events);
  }
}

/** The store as a process sees it that dies before it can store an outcome. */
class DiesBeforeFinishing extends NotificationRepository {
  override async finish(): Promise<boolean> {
    throw new Error('killed');
  }
}

/** The store, counting its writes by kind. */
class CountingRepository extends NotificationRepository {
  readonly calls = { insert: 0, claim: 0, finish: 0, reschedule: 0 };

  override record(...args: Parameters<NotificationRepository['record']>) {
    this.calls.insert += 1;
    return super.record(...args);
  }

  override claim(...args: Parameters<NotificationRepository['claim']>) {
    this.calls.claim += 1;
    return super.claim(...args);
  }

  override finish(...args: Parameters<NotificationRepository['finish']>) {
    this.calls.finish += 1;
    return super.finish(...args);
  }

  override reschedule(...args: Parameters<NotificationRepository['reschedule']>) {
    this.calls.reschedule += 1;
    return super.reschedule(...args);
  }
}
