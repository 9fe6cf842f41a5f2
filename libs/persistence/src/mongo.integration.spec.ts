import { freePort, infraEnv, TcpProxy, uniqueName } from '@orderflow/testing';
import mongoose, { Connection, Schema } from 'mongoose';
import { duplicatesOf } from './duplicate-key';

/**
 * Proof that the database behaves like MongoDB where Orderflow relies on it: unique indexes
 * reject duplicates, writes succeed while indexes are created, and single-document updates
 * are atomic under concurrency — on their own, since the local default runs with nothing in front of it (ADR 0002). That acknowledged
 * writes survive a SIGKILL of the local default is checked by the infra project's durability target (tools/infra/src/mongodb.durability.ts).
 */
describe('MongoDB wire protocol server (integration)', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose.createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-mongo') }).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('writes, reads, and refuses a duplicate under a unique index', async () => {
    const Customer = connection.model('Customer', new Schema({ email: { type: String, required: true, unique: true }, name: String }));
    await Customer.init();
    await Customer.create({ email: 'ada@example.com', name: 'Ada' });

    const found = await Customer.findOne({ email: 'ada@example.com' }).lean();
    expect(found?.name).toBe('Ada');
    await expect(Customer.create({ email: 'ada@example.com', name: 'Impostor' })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await Customer.countDocuments()).toBe(1);
  });

  it('loses none of 500 concurrent increments of one document', async () => {
    const Counter = connection.model('Counter', new Schema({ _id: String, n: { type: Number, required: true } }));
    await Counter.create({ _id: 'hits', n: 0 });

    const results = await Promise.all(Array.from({ length: 500 }, () => Counter.updateOne({ _id: 'hits' }, { $inc: { n: 1 } })));

    expect(results.every((r) => r.modifiedCount === 1)).toBe(true);
    expect((await Counter.findById('hits').lean())?.n).toBe(500);
  });

  it('accepts every write while indexes are being created', async () => {
    // Services create their indexes at start-up while they already write; the local server
    // once failed such writes at random (ADR 0002). Several rounds make a race show up.
    for (let round = 0; round < 5; round++) {
      const things = connection.collection<{ _id: string; n: number }>(`things-${round}`);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) {
        writes.push(things.insertOne({ _id: `d${i}`, n: 0, [`f${i % 10}`]: i }));
        writes.push(things.updateOne({ _id: `d${i - 1}` }, { $inc: { n: 1 } }));
        if (i % 10 === 0) writes.push(things.createIndex({ [`f${(i / 10) % 10}`]: 1, [`g${i}`]: 1 }));
      }
      const failed = (await Promise.allSettled(writes)).filter((r) => r.status === 'rejected');
      expect(failed).toEqual([]);
      expect(await things.countDocuments()).toBe(300);
    }
  });

  it('never takes stock below zero with 50 concurrent conditional decrements', async () => {
    const Stock = connection.model('Stock', new Schema({ _id: String, available: { type: Number, required: true } }));
    await Stock.create({ _id: 'SKU-1', available: 37 });

    const attempts = await Promise.all(
      Array.from({ length: 50 }, () =>
        Stock.findOneAndUpdate({ _id: 'SKU-1', available: { $gte: 1 } }, { $inc: { available: -1 } }, { returnDocument: 'after' }).lean(),
      ),
    );

    const succeeded = attempts.filter((doc) => doc !== null);
    expect(succeeded).toHaveLength(37);
    expect(Math.min(...succeeded.map((doc) => doc.available))).toBe(0);
    expect((await Stock.findById('SKU-1').lean())?.available).toBe(0);
  });

  describe('an unordered insert of several documents', () => {
    const insertAll = (collection: string, ids: string[]) =>
      connection.collection(collection).insertMany(
        ids.map((_id) => ({ _id: _id as unknown as mongoose.Types.ObjectId })),
        { ordered: false },
      );

    it('names the documents that were there already, and writes the others', async () => {
      const collection = uniqueName('inserts');
      await insertAll(collection, ['b']);
      const duplicates = await insertAll(collection, ['a', 'b', 'c']).then(() => new Set<number>(), duplicatesOf);
      expect([...duplicates]).toEqual([1]);
      expect(await connection.collection(collection).countDocuments()).toBe(3);
    });

    it('fails as a whole when the server is gone, rather than read as written', async () => {
      const target = new URL(infraEnv().MONGODB_URI.replace(/^mongodb:/, 'http:'));
      const link = new TcpProxy({ host: target.hostname, port: Number(target.port) }, await freePort());
      await link.start();
      const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${link.port}`, { serverSelectionTimeoutMS: 500 });
      try {
        const inserts = client.db(connection.name).collection<{ _id: string }>(uniqueName('inserts'));
        await inserts.insertOne({ _id: 'before' });
        await link.stop();
        // The driver reports a lost server, too, as a bulk write error, without write errors.
        const failure = await inserts.insertMany([{ _id: 'a' }, { _id: 'b' }], { ordered: false }).catch((error: unknown) => error);
        expect(failure).toMatchObject({ name: 'MongoBulkWriteError', writeErrors: [] });
        expect(() => duplicatesOf(failure)).toThrow(failure as Error);
      } finally {
        await client.close();
        await link.stop();
      }
    });
  });
});
