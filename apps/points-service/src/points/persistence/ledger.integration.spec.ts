import { Logger } from '@nestjs/common';
import { decodeEvent, isEvent, PointsAwardedSchema, PointsReversedSchema, type DecodedEvent } from '@orderflow/contracts';
import { infraEnv, PUBLISH_FAILED, PublishRecorder, uniqueName } from '@orderflow/testing';
import type { OutboxMessage } from '@orderflow/persistence';
import mongoose, { mongo, type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { AwardPointsHandler } from '../commands/award-points/award-points.handler';
import { balanceOf } from '../domain/ledger';
import { LEDGER_MODEL, LedgerSchema, type LedgerDocument } from './ledger.schema';
import { ENTRIES_SHOWN, LedgerRepository } from './ledger.repository';
import { ReversePointsHandler } from '../commands/reverse-points/reverse-points.handler';
import { PointsMetrics } from '../points.metrics';
import { Registry } from 'prom-client';

/**
 * The award and reversal handlers against a real MongoDB wire protocol server: each
 * ledger change is one conditional single-document update, so redeliveries, concurrent
 * deliveries and cancels racing awards must leave exactly one award and at most one
 * reversal per order, with the balance always the sum of the entries. The handlers publish
 * their events themselves; the publisher here records what it is asked (its own spec runs it
 * against the broker) and can be made to fail, as a crash or a broker that is down would.
 */
describe('points ledger (integration)', () => {
  let connection: Connection;
  let ledgers: Model<LedgerDocument>;
  let award: AwardPointsHandler;
  let reverse: ReversePointsHandler;
  let repository: LedgerRepository;
  /** What the handlers published, and how many of the next publishes fail. */
  const publisher = new PublishRecorder<OutboxMessage>();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await mongoose.createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-points') }).asPromise();
    ledgers = connection.model<LedgerDocument>(LEDGER_MODEL, LedgerSchema);
    await ledgers.createIndexes();
    repository = new LedgerRepository(ledgers);
    const metrics = new PointsMetrics(new Registry());
    award = new AwardPointsHandler(repository, metrics, publisher as never);
    reverse = new ReversePointsHandler(repository, metrics, publisher as never);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const confirmed = (customerId: string, orderId: string, total: bigint, eventId = randomUUID()) =>
    award.execute({ customerId, orderId, total, currency: 'USD', eventId });
  const cancelled = (customerId: string, orderId: string, eventId = randomUUID()) => reverse.execute({ customerId, orderId, eventId });
  const publishedFor = (orderId: string) => publisher.for(orderId);

  /** Everything stored for a customer, across their orders' documents, as the service keeps it. */
  async function ledgerOf(customerId: string) {
    const docs = await ledgers.find({ customerId }).sort({ createdAt: 1 }).lean<LedgerDocument[]>().exec();
    if (docs.length === 0) throw new Error(`nothing stored for ${customerId}`);
    // Nothing goes through the outbox: each change keeps the event it announced.
    expect(docs.flatMap((doc) => doc.outbox ?? [])).toEqual([]);
    const events = docs
      .flatMap((doc) => doc.announced ?? [])
      .map((m) => decodeEvent({ key: m.key, value: bytes(m.value), headers: m.headers }));
    const entries = docs.flatMap((doc) => doc.entries ?? []).sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
    const balance = docs.reduce((sum, doc) => sum + doc.net, 0);
    expect(balance).toBe(balanceOf(entries));
    // What the API answers agrees with what is stored.
    const answered = await repository.find(customerId);
    expect(answered?.balance).toBe(balance);
    return { balance, entries, events, docs };
  }

  it('awards floor(total / 100) points once, as one entry and one PointsAwarded, published before the handler returns', async () => {
    const [customer, order] = [uniqueName('c'), randomUUID()];
    await confirmed(customer, order, 3997n);

    const ledger = await ledgerOf(customer);
    expect(ledger.balance).toBe(39);
    expect(ledger.entries).toEqual([{ orderId: order, points: 39, type: 'AWARD', at: expect.any(Date) }]);
    expect(ledger.events).toHaveLength(1);
    const event = ledger.events[0] as DecodedEvent;
    if (!isEvent(event, PointsAwardedSchema)) throw new Error(`expected PointsAwarded, got ${event.type}`);
    expect(event.message).toMatchObject({ orderId: order, customerId: customer, points: 39n, orderTotal: 3997n, currency: 'USD' });
    expect(event.meta.producer).toBe('points-service');
    expect(publishedFor(order).map((e) => e.eventId)).toEqual([event.meta.eventId]);
  });

  it('publishes the same PointsAwarded again when the event is delivered again after its publish failed, and awards once', async () => {
    const [customer, order, cause] = [uniqueName('c'), randomUUID(), randomUUID()];
    publisher.failing = 1;
    await expect(confirmed(customer, order, 2500n, cause)).rejects.toThrow(PUBLISH_FAILED);
    expect(publishedFor(order)).toEqual([]);

    await confirmed(customer, order, 2500n, cause);
    const ledger = await ledgerOf(customer);
    expect(ledger.entries).toHaveLength(1);
    expect(publishedFor(order).map((e) => e.eventId)).toEqual([ledger.events[0].meta.eventId]);
    // Another event for the order (a replay under a new id) decides nothing and publishes nothing.
    await confirmed(customer, order, 2500n);
    expect(publishedFor(order)).toHaveLength(1);
  });

  it('publishes the same PointsReversed again when the cancel is delivered again after its publish failed', async () => {
    const [customer, order, cause] = [uniqueName('c'), randomUUID(), randomUUID()];
    await confirmed(customer, order, 2500n);
    publisher.failing = 1;
    await expect(cancelled(customer, order, cause)).rejects.toThrow(PUBLISH_FAILED);
    await cancelled(customer, order, cause);

    const ledger = await ledgerOf(customer);
    expect(ledger.balance).toBe(0);
    const reversal = ledger.events.find((e) => isEvent(e, PointsReversedSchema));
    expect(publishedFor(order).map((e) => e.type)).toEqual([PointsAwardedSchema.typeName, PointsReversedSchema.typeName]);
    expect(publishedFor(order)[1].eventId).toBe(reversal?.meta.eventId);
  });

  it('changes nothing when OrderConfirmed is redelivered, one after another or all at once', async () => {
    const [customer, order] = [uniqueName('c'), randomUUID()];
    await confirmed(customer, order, 1250n);
    await confirmed(customer, order, 1250n);
    await Promise.all(Array.from({ length: 10 }, () => confirmed(customer, order, 1250n)));

    const ledger = await ledgerOf(customer);
    expect(ledger.balance).toBe(12);
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.events).toHaveLength(1);
  });

  it('answers a balance that is the sum of the entries it shows, even read while awards land', async () => {
    const customer = uniqueName('c');
    await confirmed(customer, randomUUID(), 100n);
    let awarding = true;
    const awards = Promise.all(Array.from({ length: 40 }, (_, i) => confirmed(customer, randomUUID(), BigInt(100 * (i + 1))))).finally(
      () => (awarding = false),
    );
    const answers: { balance: number; shown: number }[] = [];
    while (awarding) {
      const answer = await repository.find(customer);
      if (answer) answers.push({ balance: answer.balance, shown: balanceOf(answer.entries) });
    }
    await awards;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.balance !== a.shown)).toEqual([]);
  });

  it('keeps the balance the sum of the entries with 30 orders of one customer awarded concurrently', async () => {
    const customer = uniqueName('c');
    const totals = Array.from({ length: 30 }, (_, i) => BigInt(100 * (i + 1) + 37));
    await Promise.all(totals.map((total) => confirmed(customer, randomUUID(), total)));

    const ledger = await ledgerOf(customer);
    expect(ledger.entries).toHaveLength(30);
    expect(ledger.balance).toBe((30 * 31) / 2);
    expect(ledger.events).toHaveLength(30);
  });

  it('keeps every document the same size however many orders a customer has, and answers only the newest entries', async () => {
    const customer = uniqueName('c');
    const orders = Array.from({ length: ENTRIES_SHOWN + 20 }, () => randomUUID());
    for (let i = 0; i < orders.length; i += 20) {
      await Promise.all(orders.slice(i, i + 20).map((order) => confirmed(customer, order, 200n)));
    }
    await Promise.all(orders.slice(0, 10).map((order) => cancelled(customer, order)));

    const ledger = await ledgerOf(customer);
    expect(ledger.docs).toHaveLength(orders.length);
    // One document per order, holding that order's award and reversal and nothing else.
    expect(Math.max(...ledger.docs.map((doc) => doc.entries.length))).toBe(2);
    const answered = await repository.find(customer);
    expect(answered?.balance).toBe(2 * (orders.length - 10));
    expect(answered?.entries).toHaveLength(ENTRIES_SHOWN);
    expect(answered?.entries.map((e) => e.at.getTime())).toEqual(
      [...(answered?.entries ?? [])].map((e) => e.at.getTime()).sort((a, b) => a - b),
    );
  });

  it('reverses exactly what was awarded when the order is cancelled, once however often the cancel comes', async () => {
    const [customer, kept, order] = [uniqueName('c'), randomUUID(), randomUUID()];
    await confirmed(customer, kept, 500n);
    await confirmed(customer, order, 3997n);
    await cancelled(customer, order);
    await Promise.all(Array.from({ length: 5 }, () => cancelled(customer, order)));

    const ledger = await ledgerOf(customer);
    expect(ledger.balance).toBe(5);
    expect(ledger.entries.filter((e) => e.orderId === order).map((e) => [e.type, e.points])).toEqual([
      ['AWARD', 39],
      ['REVERSAL', -39],
    ]);
    const reversals = ledger.events.filter((e) => isEvent(e, PointsReversedSchema));
    expect(reversals).toHaveLength(1);
    expect(reversals[0].message).toMatchObject({ orderId: order, customerId: customer, points: 39n });

    // A replayed award after the reversal must not credit the order again.
    await confirmed(customer, order, 3997n);
    expect((await ledgerOf(customer)).entries).toHaveLength(3);
  });

  it('reverses nothing for a cancel before any award, and refuses the award that arrives after it', async () => {
    const [customer, order] = [uniqueName('c'), randomUUID()];
    await cancelled(customer, order);
    await confirmed(customer, order, 3997n);
    await cancelled(customer, order);

    const ledger = await ledgerOf(customer);
    expect(ledger).toMatchObject({ balance: 0, entries: [], events: [] });
    expect(await repository.find(customer)).toMatchObject({ balance: 0, entries: [] });
  });

  it('records nothing for an order worth less than one point', async () => {
    const customer = uniqueName('c');
    await confirmed(customer, randomUUID(), 99n);
    expect(await ledgers.exists({ customerId: customer })).toBeNull();
    expect(await repository.find(customer)).toBeNull();
  });

  it('never keeps points of an order whose cancel races its award', async () => {
    const customer = uniqueName('c');
    const orders = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(
      orders.flatMap((order) => [confirmed(customer, order, 1000n), cancelled(customer, order), confirmed(customer, order, 1000n)]),
    );

    const ledger = await ledgerOf(customer);
    expect(ledger.balance).toBe(0);
    for (const order of orders) {
      const types = ledger.entries.filter((e) => e.orderId === order).map((e) => e.type);
      expect([[], ['AWARD', 'REVERSAL']]).toContainEqual(types);
    }
    const awards = ledger.events.filter((e) => isEvent(e, PointsAwardedSchema)).length;
    expect(ledger.events.filter((e) => isEvent(e, PointsReversedSchema))).toHaveLength(awards);
  });
});

/** The driver hands stored bytes back as BSON Binary. */
const bytes = (value: Buffer | mongo.Binary): Buffer => (value instanceof mongo.Binary ? Buffer.from(value.buffer) : Buffer.from(value));
