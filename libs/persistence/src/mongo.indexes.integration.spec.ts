import { infraEnv, uniqueName } from '@orderflow/testing';
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { PrivateMongo } from '../../../tools/infra/src/mongodb.private';

type Collection = mongo.Collection;
type Document = mongo.Document;
const { MongoClient } = mongo;

/**
 * The services' queries on other fields than `_id` — orders of a customer newest first with
 * keyset pages, PENDING orders oldest first, due notifications, documents with events still in
 * their outbox (a sparse index over an array), counts — answer the same through the declared
 * indexes as without them. The local default serves them from its own indexes (ADR 0002), so
 * each query runs against two copies of the same documents, one indexed and one not, and the
 * answers must be identical, order included.
 */
describe('Secondary indexes (integration)', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  let indexed: Collection;
  let plain: Collection;

  const documents = Array.from({ length: 600 }, (_, i) => ({
    _id: `o-${String(i).padStart(4, '0')}`,
    customerId: `c-${i % 7}`,
    status: ['PENDING', 'CONFIRMED', 'REJECTED'][i % 3],
    // Many equal timestamps: the _id must break ties the same way everywhere.
    createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 4) * 1000),
    nextAttemptAt: new Date(Date.UTC(2026, 0, 1) + ((i * 37) % 600) * 1000),
    total: (i * 13) % 250,
    outbox: i % 5 === 0 ? [{ eventId: `e-${i}-1` }, { eventId: `e-${i}-2` }] : [],
  }));

  beforeAll(async () => {
    client = await MongoClient.connect(infraEnv().MONGODB_URI);
    db = client.db(uniqueName('it-indexes'));
    indexed = db.collection('indexed');
    plain = db.collection('plain');
    await indexed.createIndexes([
      { key: { customerId: 1, createdAt: -1, _id: -1 } },
      { key: { status: 1, createdAt: -1, _id: -1 } },
      { key: { status: 1, nextAttemptAt: 1 } },
      { key: { 'outbox.eventId': 1 }, sparse: true },
      { key: { total: 1 } },
    ]);
    await indexed.insertMany(documents as Document[]);
    await plain.insertMany(documents as Document[]);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  const cases: { name: string; filter: mongo.Filter<Document>; sort?: mongo.Sort; limit?: number }[] = [
    { name: 'a customer, newest first, one page', filter: { customerId: 'c-3' }, sort: { createdAt: -1, _id: -1 }, limit: 20 },
    { name: 'a customer, every order', filter: { customerId: 'c-5' }, sort: { createdAt: -1, _id: -1 } },
    {
      name: 'a customer, the page after a keyset position',
      filter: {
        customerId: 'c-2',
        $or: [
          { createdAt: { $lt: new Date(Date.UTC(2026, 0, 1) + 80_000) } },
          { createdAt: new Date(Date.UTC(2026, 0, 1) + 80_000), _id: { $lt: 'o-0322' as never } },
        ],
      },
      sort: { createdAt: -1, _id: -1 },
      limit: 10,
    },
    { name: 'PENDING oldest first', filter: { status: 'PENDING' }, sort: { createdAt: 1 }, limit: 5 },
    {
      name: 'PENDING created before a moment',
      filter: { status: 'PENDING', createdAt: { $lt: new Date(Date.UTC(2026, 0, 1) + 30_000) } },
      sort: { createdAt: 1 },
      limit: 50,
    },
    {
      name: 'due notifications',
      filter: { status: 'PENDING', nextAttemptAt: { $lte: new Date(Date.UTC(2026, 0, 1) + 100_000) } },
      sort: { _id: 1 },
    },
    { name: 'outboxes with events', filter: { 'outbox.eventId': { $exists: true } }, sort: { _id: 1 } },
    { name: 'a range with both ends', filter: { total: { $gte: 40, $lt: 60 } }, sort: { total: -1, _id: 1 } },
    {
      name: 'a status and a customer (two indexes could serve)',
      filter: { status: 'CONFIRMED', customerId: 'c-1' },
      sort: { createdAt: -1, _id: -1 },
      limit: 7,
    },
    { name: 'every order of a status, newest first', filter: { status: 'REJECTED' }, sort: { createdAt: -1, _id: -1 }, limit: 3 },
  ];

  it.each(cases)('$name: the same answer with and without the index', async ({ filter, sort, limit }) => {
    const find = (collection: Collection) => {
      let cursor = collection.find(filter);
      if (sort) cursor = cursor.sort(sort);
      if (limit) cursor = cursor.limit(limit);
      return cursor.toArray();
    };
    const [viaIndex, scanned] = await Promise.all([find(indexed), find(plain)]);
    expect(scanned.length).toBeGreaterThan(0);
    expect(viaIndex).toEqual(scanned);
  });

  it('counts through the index as a scan does, and follows updates and deletes', async () => {
    const count = () => Promise.all([indexed.countDocuments({ status: 'PENDING' }), plain.countDocuments({ status: 'PENDING' })]);
    const [before, expected] = await count();
    expect(before).toBe(expected);
    for (const collection of [indexed, plain]) {
      await collection.updateMany({ customerId: 'c-4', status: 'PENDING' }, { $set: { status: 'CONFIRMED' } });
      await collection.deleteMany({ customerId: 'c-6', status: 'PENDING' });
      await collection.updateMany({ 'outbox.eventId': { $exists: true }, customerId: 'c-0' }, { $set: { outbox: [] } });
    }
    const [after, expectedAfter] = await count();
    expect(after).toBe(expectedAfter);
    expect(after).toBeLessThan(before);
    const withEvents = (collection: Collection) =>
      collection
        .find({ 'outbox.eventId': { $exists: true } })
        .sort({ _id: 1 })
        .toArray();
    expect(await withEvents(indexed)).toEqual(await withEvents(plain));
  });

  it('refuses a write that would index parallel arrays, and stores one that changes no indexed field', async () => {
    const pairs = db.collection<{ _id: string; tags: unknown; sizes: unknown; note?: string }>(uniqueName('pairs'));
    await pairs.createIndex({ tags: 1, sizes: 1 });
    await expect(pairs.insertOne({ _id: 'both', tags: ['a'], sizes: [1, 2] })).rejects.toThrow(/parallel arrays/);
    await pairs.insertOne({ _id: 'one', tags: ['a', 'b'], sizes: 1, note: 'x' });
    await pairs.updateOne({ _id: 'one' }, { $set: { note: 'y' } });
    await expect(pairs.updateOne({ _id: 'one' }, { $set: { sizes: [1, 2] } })).rejects.toThrow(/parallel arrays/);
    expect(await pairs.findOne({ _id: 'one' })).toEqual({ _id: 'one', tags: ['a', 'b'], sizes: 1, note: 'y' });
    expect(await pairs.find({ tags: 'b', sizes: 1 }).toArray()).toHaveLength(1);
  });
});

/**
 * The local default keeps its documents in memory and its changes in a journal: after a
 * SIGKILL and a restart, the documents, the index definitions and what the indexes answer
 * are all back. Only for the local default: it needs a private instance to kill.
 */
const local = process.env['MONGODB_URI'] === undefined || /127\.0\.0\.1|localhost/.test(process.env['MONGODB_URI']);
(local ? describe : describe.skip)('Local database restart (integration)', () => {
  let database: PrivateMongo;

  beforeAll(async () => {
    database = await PrivateMongo.start();
  }, 120_000);

  afterAll(async () => {
    await database?.stop();
  });

  it('has every acknowledged document and index back after a SIGKILL', async () => {
    const before = await MongoClient.connect(database.uri);
    const orders = before.db('restart').collection('orders');
    await orders.createIndex({ customerId: 1, createdAt: -1 });
    await orders.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ _id: `o-${i}` as never, customerId: `c-${i % 3}`, createdAt: new Date(1_000 * i), n: 0 })),
    );
    await orders.updateMany({ customerId: 'c-1' }, { $inc: { n: 1 } });
    await orders.deleteOne({ _id: 'o-4' as never });
    const expected = await orders.find({ customerId: 'c-1' }).sort({ createdAt: -1 }).toArray();
    await before.close(true);

    await database.kill();
    await database.restart();

    const after = await MongoClient.connect(database.uri);
    try {
      const restored = after.db('restart').collection('orders');
      expect(await restored.countDocuments({})).toBe(299);
      expect(await restored.find({ customerId: 'c-1' }).sort({ createdAt: -1 }).toArray()).toEqual(expected);
      expect((await restored.indexes()).map((index) => index.name)).toContain('customerId_1_createdAt_-1');
      // Writes go on after the restart, into the same slots and indexes.
      await restored.insertOne({ _id: 'o-4' as never, customerId: 'c-1', createdAt: new Date(4_000), n: 5 });
      expect((await restored.find({ customerId: 'c-1' }).sort({ createdAt: 1 }).limit(2).toArray()).map((d) => d._id)).toEqual([
        'o-1',
        'o-4',
      ]);
    } finally {
      await after.close(true);
    }
  }, 120_000);

  it('starts again after a record torn mid-write, with every whole record', async () => {
    const client = await MongoClient.connect(database.uri);
    const counters = client.db('torn').collection('counters');
    for (let i = 0; i < 50; i++) await counters.updateOne({ _id: 'k' as never }, { $inc: { n: 1 } }, { upsert: true });
    await client.close(true);
    await database.kill();
    // What a process killed inside write() leaves: the start of a record and no more.
    const segments = readdirSync(database.dataDir)
      .filter((f) => f.startsWith('journal-'))
      .sort();
    appendFileSync(join(database.dataDir, segments[segments.length - 1]), Buffer.from([0, 0, 1, 0, 0x12, 0x34]));
    await database.restart();

    const after = await MongoClient.connect(database.uri);
    try {
      expect(
        (
          await after
            .db('torn')
            .collection('counters')
            .findOne({ _id: 'k' as never })
        )?.['n'],
      ).toBe(50);
    } finally {
      await after.close(true);
    }
  }, 120_000);
});

/**
 * Compaction rewrites the live documents into a new journal segment while writers go on, then
 * deletes the older segments: the journal stays near the size of the live data, and after a
 * SIGKILL everything acknowledged is there, the changes made during the compaction included.
 */
(local ? describe : describe.skip)('Local database journal compaction (integration)', () => {
  let database: PrivateMongo;

  beforeAll(async () => {
    database = await PrivateMongo.start({ JOURNAL_COMPACT_MIN_BYTES: String(256 * 1024) });
  }, 120_000);

  afterAll(async () => {
    await database?.stop();
  });

  const journalBytes = () =>
    readdirSync(database.dataDir)
      .filter((f) => f.startsWith('journal-'))
      .reduce((sum, f) => sum + statSync(join(database.dataDir, f)).size, 0);

  it('keeps the journal near the live data and loses nothing across compactions and a SIGKILL', async () => {
    const client = await MongoClient.connect(database.uri);
    const docs = client.db('compaction').collection('docs');
    await docs.createIndex({ group: 1, n: 1 });
    await docs.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `d-${i}` as never, group: i % 4, n: 0, pad: 'x'.repeat(500) })));
    // About 12 MB of after-images for 0.1 MB of live documents: many compactions' worth.
    for (let round = 1; round <= 100; round++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => docs.updateOne({ _id: `d-${i}` as never }, { $inc: { n: 1 } })));
    }
    await docs.deleteMany({ group: 3 });
    await client.close(true);
    expect(journalBytes()).toBeLessThan(4 * 1024 * 1024);

    await database.kill();
    await database.restart();
    const after = await MongoClient.connect(database.uri);
    try {
      const restored = after.db('compaction').collection('docs');
      expect(await restored.countDocuments({})).toBe(150);
      expect(await restored.countDocuments({ n: 100 })).toBe(150);
      expect(await restored.countDocuments({ group: 2, n: { $gte: 100 } })).toBe(50);
    } finally {
      await after.close(true);
    }
  }, 180_000);
});
