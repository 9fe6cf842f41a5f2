import { randomUUID } from 'node:crypto';
import { infraEnv, uniqueName } from '@orderflow/testing';
import mongoose, { Connection, Model, Schema } from 'mongoose';
import type { OutboxMessage } from './outbox.entry';
import { outboxPlugin } from './outbox.plugin';
import { claimPublished, pullPublished, releasePublished } from './outbox.published';
import { OutboxStore } from './outbox.store';

interface Account {
  _id: string;
  balance: number;
  outbox: OutboxMessage[];
}

const event = (key: string, n: number): OutboxMessage => ({
  eventId: randomUUID(),
  type: 'test.Moved',
  topic: 'test.accounts',
  key,
  value: Buffer.from([n, 1, 2, 3]),
  headers: { ce_id: `${key}/${n}`, ce_time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString() },
});

/**
 * The outbox as a persistence feature, against the real database: a model declares it once
 * (the plugin), its writes announce the events they stored with no collection named, and
 * the store finds, reads back and removes what waits.
 */
describe('outbox plugin and store (integration)', () => {
  let connection: Connection;
  let accounts: Model<Account>;
  let store: OutboxStore;
  let announced: { collection: string; id: string; events: string[] }[];
  let stopListening: () => void;

  beforeAll(async () => {
    connection = await mongoose.createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-outbox-store') }).asPromise();
    accounts = connection.model<Account>('Account', new Schema<Account>({ _id: String, balance: Number }).plugin(outboxPlugin), 'accounts');
    connection.model('Audit', new Schema({ _id: String, outbox: [Object] }), 'audits');
    await accounts.createIndexes();
    store = new OutboxStore(connection);
  });

  beforeEach(() => {
    announced = [];
    stopListening = store.listen((collection, id, events) => announced.push({ collection, id, events: events.map((e) => e.eventId) }));
  });

  afterEach(() => stopListening());

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('knows only the collections whose models declared the outbox', () => {
    expect(store.collections()).toEqual(['accounts']);
  });

  it('announces the events each kind of write stored, with the document id and in write order', async () => {
    const id = randomUUID();
    const [e0, e1, e2, e3, e4] = [0, 1, 2, 3, 4].map((n) => event(id, n));
    await accounts.create({ _id: id, balance: 0, outbox: [e0] });
    await accounts.updateOne({ _id: id }, { $inc: { balance: 1 }, $push: { outbox: e1 } });
    await accounts.updateOne({ _id: id }, { $push: { outbox: { $each: [e2, e3] } } });
    // Read back after the write: the whole stored outbox, oldest first.
    await accounts.findOneAndUpdate({ _id: id }, { $push: { outbox: e4 } }, { projection: { outbox: 1 }, returnDocument: 'after' }).lean();
    const others = [randomUUID(), randomUUID()];
    const inserted = others.map((other) => event(other, 5));
    await accounts.insertMany(others.map((other, i) => ({ _id: other, balance: 0, outbox: [inserted[i]] })));

    expect(announced).toEqual([
      { collection: 'accounts', id, events: [e0.eventId] },
      { collection: 'accounts', id, events: [e1.eventId] },
      { collection: 'accounts', id, events: [e2.eventId, e3.eventId] },
      { collection: 'accounts', id, events: [e0, e1, e2, e3, e4].map((e) => e.eventId) },
      { collection: 'accounts', id: others[0], events: [inserted[0].eventId] },
      { collection: 'accounts', id: others[1], events: [inserted[1].eventId] },
    ]);
  });

  it('announces an upsert under the inserted id, and nothing for a write that changed nothing or stored no event', async () => {
    const id = randomUUID();
    const created = event(id, 0);
    await accounts.updateOne({ _id: id }, { $set: { balance: 5 }, $push: { outbox: created } }, { upsert: true });
    // A condition that no longer holds: nothing was written, so nothing may be published.
    await accounts.updateOne({ _id: id, balance: 99 }, { $push: { outbox: event(id, 1) } });
    await accounts.updateOne({ _id: id }, { $inc: { balance: 1 } });

    expect(announced).toEqual([{ collection: 'accounts', id, events: [created.eventId] }]);
  });

  it('reads back what waits byte for byte, and removes only what was published, keeping what a writer appended since', async () => {
    const id = randomUUID();
    const [first, second, later] = [0, 1, 2].map((n) => event(id, n));
    await accounts.create({ _id: id, balance: 0, outbox: [first, second] });

    const pending = await store.pending('accounts', 100);
    expect(pending.get(id)).toEqual([first, second]);
    await accounts.updateOne({ _id: id }, { $push: { outbox: later } });
    await store.remove('accounts', new Map([[id, [first.eventId, second.eventId]]]));

    expect((await accounts.findById(id).lean())?.outbox.map((e) => e.eventId)).toEqual([later.eventId]);
    expect(await store.backlog()).toMatchObject({ events: expect.any(Number), oldest: expect.any(Date) });
    await store.remove('accounts', new Map([[id, [later.eventId]]]));
    expect((await accounts.findById(id).lean())?.outbox).toEqual([]);
  });

  it("lets the document's next write remove what was published, keeping what is not, and counts no published entry as waiting", async () => {
    const id = randomUUID();
    const [first, second, later] = [0, 1, 2].map((n) => event(id, n));
    await accounts.create({ _id: id, balance: 0, outbox: [first, second] });
    const waiting = (await store.backlog()).events;
    store.hold('accounts', new Map([[id, [first]]]));
    await accounts.updateOne({ _id: id }, { $push: { outbox: later } });
    expect(store.isPublished('accounts', id, first.eventId)).toBe(true);
    // The published one no longer counts as waiting; the one pushed since does.
    expect((await store.backlog()).events).toBe(waiting);

    // The next write claims the published entry and removes it with its own change.
    const claimed = claimPublished(accounts, id);
    expect(claimed).toEqual([first.eventId]);
    expect(claimPublished(accounts, id)).toEqual([]);
    await accounts.updateOne({ _id: id }, { $inc: { balance: 5 }, $pull: pullPublished(claimed) });

    const stored = await accounts.findById(id).lean();
    expect(stored?.balance).toBe(5);
    expect(stored?.outbox.map((e) => e.eventId)).toEqual([second.eventId, later.eventId]);
    expect(store.takePublished(0).get('accounts')?.has(id) ?? false).toBe(false);
  });

  it('hands what a failed write claimed back for removal, due at once', async () => {
    const id = randomUUID();
    const [first] = [event(id, 0)];
    await accounts.create({ _id: id, balance: 0, outbox: [first] });
    store.hold('accounts', new Map([[id, [first]]]));
    expect(store.takePublished(60_000).get('accounts')?.has(id) ?? false).toBe(false);

    releasePublished(accounts, id, claimPublished(accounts, id));

    const due = store.takePublished(60_000).get('accounts');
    expect(due?.get(id)).toEqual([first.eventId]);
    await store.remove('accounts', due ?? new Map());
    expect((await accounts.findById(id).lean())?.outbox).toEqual([]);
  });

  it('refuses a collection no model with an outbox stores', async () => {
    await expect(store.pending('audits', 10)).rejects.toThrow('no model with an outbox stores its documents in audits');
  });
});
