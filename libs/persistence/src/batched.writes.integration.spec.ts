import { randomUUID } from 'node:crypto';
import { infraEnv, uniqueName } from '@orderflow/testing';
import mongoose, { Connection, Model, Schema } from 'mongoose';
import { BatchedInserts } from './batched.inserts';
import { ByIdReader } from './by-id.reader';
import { GuardedUpdates, type GuardedUpdate } from './guarded.updates';
import type { OutboxMessage } from './outbox/outbox.entry';
import { listenToOutbox, outboxPlugin } from './outbox/outbox.plugin';
import { holdPublished, takePublished } from './outbox/outbox.published';

interface Account {
  _id: string;
  balance: number;
  stamp?: number;
  outbox: OutboxMessage[];
}

interface Stamped extends GuardedUpdate {
  stamp: number;
}

const event = (key: string): OutboxMessage => ({
  eventId: randomUUID(),
  type: 'test.Moved',
  topic: 'test.accounts',
  key,
  value: Buffer.from([1]),
  headers: {},
});

/**
 * The batching helpers against the real database: many callers at once, one command, and
 * each caller still told exactly what happened to its own document.
 */
describe('batched reads and writes (integration)', () => {
  let connection: Connection;
  let accounts: Model<Account>;
  let announced: string[];
  let commands: string[];
  let stop: () => void;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-batched'), monitorCommands: true })
      .asPromise();
    accounts = connection.model<Account>(
      'Account',
      new Schema<Account>({ _id: String, balance: Number, stamp: Number }).plugin(outboxPlugin),
      'accounts',
    );
    connection.getClient().on('commandStarted', (started) => commands.push(started.commandName));
    stop = listenToOutbox(connection, (_, id) => announced.push(id));
  });

  beforeEach(() => {
    announced = [];
    commands = [];
  });

  afterAll(async () => {
    stop();
    await connection.dropDatabase();
    await connection.close();
  });

  const ids = (n: number): string[] => Array.from({ length: n }, () => randomUUID());

  it('inserts what is asked together in few commands, tells each caller whether its own was new, and announces the new ones', async () => {
    const inserts = new BatchedInserts<Account>(accounts);
    const [taken, ...fresh] = ids(20);
    await accounts.collection.insertOne({ _id: taken, balance: 0, outbox: [] } as never);
    commands = [];
    const results = await Promise.all([taken, ...fresh].map((id) => inserts.insert({ _id: id, balance: 1, outbox: [event(id)] })));
    expect(results).toEqual([false, ...fresh.map(() => true)]);
    expect(commands.filter((name) => name === 'insert').length).toBeLessThanOrEqual(2);
    expect(announced.sort()).toEqual([...fresh].sort());
    expect(await accounts.countDocuments({ balance: 1 })).toBe(19);
  });

  it('reads by id in few commands, each caller getting its own document or null', async () => {
    const present = ids(10);
    await accounts.insertMany(present.map((id) => ({ _id: id, balance: 5, outbox: [] })));
    const reader = new ByIdReader<Account>(accounts, { balance: 1 });
    commands = [];
    const missing = randomUUID();
    const found = await Promise.all([...present, missing, present[0]].map((id) => reader.find(id)));
    expect(found.map((doc) => doc?.balance ?? null)).toEqual([...present.map(() => 5), null, 5]);
    expect(commands.filter((name) => name === 'find').length).toBeLessThanOrEqual(2);
  });

  it('tells each conditional update whether it applied, when all, none or some of a batch did', async () => {
    const docs = ids(12);
    await accounts.insertMany(docs.map((id) => ({ _id: id, balance: 10, outbox: [] })));
    const readBack = jest.fn(async (updates: Stamped[]) => {
      const stored = await accounts
        .find({ _id: { $in: updates.map((u) => u.id) } }, { stamp: 1 })
        .lean()
        .exec();
      const stamps = new Map(stored.map((doc) => [doc._id, doc.stamp]));
      return updates.map((u) => stamps.get(u.id) === u.stamp);
    });
    const updates = new GuardedUpdates<Stamped>(accounts, readBack);
    // Withdraw 4 from each, twice over, and 20 from half of them: the balance never goes below zero.
    const withdraw = (id: string, amount: number, stamp: number) =>
      updates.apply({
        id,
        stamp,
        where: { balance: { $gte: amount } },
        update: { $inc: { balance: -amount }, $set: { stamp }, $push: { outbox: event(id) } },
        events: [event(id)],
      });
    const first = await Promise.all(docs.map((id, i) => withdraw(id, 4, i)));
    expect(first).toEqual(docs.map(() => true));
    const mixed = await Promise.all(docs.map((id, i) => withdraw(id, i % 2 === 0 ? 20 : 4, 100 + i)));
    expect(mixed).toEqual(docs.map((_, i) => i % 2 === 1));
    const none = await Promise.all(docs.map((id, i) => withdraw(id, 20, 200 + i)));
    expect(none).toEqual(docs.map(() => false));

    const balances = await accounts
      .find({ _id: { $in: docs } }, { balance: 1 })
      .lean()
      .exec();
    expect(new Map(balances.map((doc) => [doc._id, doc.balance]))).toEqual(new Map(docs.map((id, i) => [id, i % 2 === 0 ? 6 : 2])));
    // Each caller's events are announced only if its update applied.
    expect(announced.filter((id) => docs.indexOf(id) % 2 === 0)).toHaveLength(6);
    expect(announced.filter((id) => docs.indexOf(id) % 2 === 1)).toHaveLength(12);
    expect(readBack).toHaveBeenCalled();
  });

  it('counts an upsert refused by the unique _id as not applied, and one that inserted as applied', async () => {
    const [existing, fresh] = ids(2);
    await accounts.collection.insertOne({ _id: existing, balance: 1, stamp: 1, outbox: [] } as never);
    const updates = new GuardedUpdates<Stamped>(accounts, async () => {
      throw new Error('no read back is needed when inserts and refusals say it all');
    });
    const open = (id: string) =>
      updates.apply({
        id,
        stamp: 2,
        where: { stamp: { $exists: false } },
        update: { $set: { stamp: 2, balance: 0, outbox: [] } },
        upsert: true,
      });
    expect(await Promise.all([open(existing), open(fresh), open(existing)])).toEqual([false, true, false]);
  });
  it('removes the published events of each document an update changes, and hands back those of an update that did not apply', async () => {
    const [applies, refused, pushes] = ids(3);
    const published = { [applies]: event(applies), [refused]: event(refused), [pushes]: event(pushes) };
    await accounts.insertMany([applies, refused, pushes].map((id) => ({ _id: id, balance: 10, outbox: [published[id]] })));
    holdPublished(connection, 'accounts', new Map([applies, refused, pushes].map((id) => [id, [published[id].eventId]])));
    const updates = new GuardedUpdates<Stamped>(accounts, async (open) => open.map((u) => u.id !== refused));
    const later = event(pushes);

    const outcomes = await Promise.all([
      updates.apply({ id: applies, stamp: 1, where: { balance: 10 }, update: { $inc: { balance: -1 } } }),
      updates.apply({ id: refused, stamp: 1, where: { balance: 99 }, update: { $inc: { balance: -1 } } }),
      // It writes the outbox itself: what was published stays for the relay to remove.
      updates.apply({ id: pushes, stamp: 1, where: { balance: 10 }, update: { $push: { outbox: later } }, events: [later] }),
    ]);

    expect(outcomes).toEqual([true, false, true]);
    const outboxes = await accounts
      .find({ _id: { $in: [applies, refused, pushes] } }, { outbox: 1 })
      .lean()
      .exec();
    expect(new Map(outboxes.map((doc) => [doc._id, doc.outbox.map((e) => e.eventId)]))).toEqual(
      new Map([
        [applies, []],
        [refused, [published[refused].eventId]],
        [pushes, [published[pushes].eventId, later.eventId]],
      ]),
    );
    const left = takePublished(connection, 0).get('accounts');
    expect(left).toEqual(
      new Map([
        [refused, [published[refused].eventId]],
        [pushes, [published[pushes].eventId]],
      ]),
    );
  });
});
