/**
 * Measures a MongoDB-wire database the way Orderflow's services load it, to choose and
 * re-check the local default (docs/adr/0002-local-infrastructure.md):
 *
 *   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/db.bench.ts --uri mongodb://127.0.0.1:27017 \
 *     [--pid-file .infra/run/mongodb.pid --restart 'npm run infra -- up'] [--seconds 4]
 *
 * Prints one JSON line: atomicity (500 concurrent `$inc`, 37-of-50 conditional decrements),
 * throughput from 16 concurrent clients, a find by a non-`_id` field on 3 000 documents, an
 * update by `_id` alone and by `_id` and a field on 20 000 documents, the query shapes the
 * services use, and — when told how to kill and restart the database — how
 * many acknowledged writes a SIGKILL lost.
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mongo } from 'mongoose';
import { sigkillCheck } from '@orderflow/testing';

type Db = mongo.Db;
const CLIENTS = 16;
/** Documents in the collection that conditional updates are timed on. */
const GROWN = 20_000;
/** Any document with a string `_id`, for the query-shape checks. */
type Loose = { _id: string } & mongo.Document;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const uri = option('uri') ?? 'mongodb://127.0.0.1:27017';
const seconds = Number(option('seconds') ?? 4);

/** Runs `op` from CLIENTS concurrent loops for `seconds`; returns operations per second. */
async function rate(op: (worker: number, i: number) => Promise<unknown>): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, worker) => {
      for (let i = 0; Date.now() < until; i++) {
        await op(worker, i);
        done++;
      }
    }),
  );
  return Math.round(done / ((Date.now() - started) / 1000));
}

async function atomicity(db: Db) {
  const counters = db.collection<{ _id: string; n: number }>('counters');
  await counters.insertOne({ _id: 'c', n: 0 });
  await Promise.all(Array.from({ length: 500 }, () => counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } })));
  const inc500 = (await counters.findOne({ _id: 'c' }))?.n;

  const stock = db.collection<{ _id: string; stock: number }>('stock');
  await stock.insertOne({ _id: 'sku', stock: 37 });
  const results = await Promise.all(
    Array.from({ length: 50 }, () => stock.updateOne({ _id: 'sku', stock: { $gte: 1 } }, { $inc: { stock: -1 } })),
  );
  const decrements = results.filter((r) => r.modifiedCount === 1).length;
  const finalStock = (await stock.findOne({ _id: 'sku' }))?.stock;
  return { inc500, decrementsOf50: decrements, finalStock };
}

async function throughput(db: Db) {
  const hot = db.collection<{ _id: string; stock: number }>('hot');
  await hot.insertOne({ _id: 'hot', stock: 1e9 });
  const hotConditionalUpdates = await rate(() => hot.updateOne({ _id: 'hot', stock: { $gte: 1 } }, { $inc: { stock: -1 } }));

  const docs = db.collection<{ _id: string; email: string; v: number; status: string }>('docs');
  const ids: string[] = [];
  const inserts = await rate(async (w, i) => {
    const _id = `${w}-${i}`;
    await docs.insertOne({ _id, email: `user-${w}-${i}@example.com`, v: 0, status: 'new' });
    ids.push(_id);
  });
  const updatesById = await rate(() =>
    docs.updateOne({ _id: ids[Math.floor(Math.random() * ids.length)] }, { $set: { status: 'seen' }, $inc: { v: 1 } }),
  );

  // A fixed-size collection for the scan, so engines are compared on the same work.
  const people = db.collection<{ _id: number; email: string }>('people');
  await people.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, email: `p${i}@example.com` })));
  const findMs = async () => {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const started = performance.now();
      await people.findOne({ email: `p${(i * 137) % 3000}@example.com` });
      times.push(performance.now() - started);
    }
    return Number(times.sort((a, b) => a - b)[10].toFixed(2));
  };
  const findByFieldMs = await findMs();
  await people.createIndex({ email: 1 });
  const findByIndexedFieldMs = await findMs();
  // The services' conditional updates name `_id` and a state field: an engine that uses the
  // `_id` index only for `{_id}` alone scans for these, and each costs more as data grows.
  const orders = db.collection<{ _id: number; status: string; lines: string }>('orders');
  for (let batch = 0; batch < GROWN / 1000; batch++) {
    await orders.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: batch * 1000 + i, status: 'PENDING', lines: 'x'.repeat(500) })));
  }
  const updateMs = async (filter: (i: number) => mongo.Filter<{ _id: number; status: string; lines: string }>) => {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const n = (i * 7919) % GROWN;
      const started = performance.now();
      await orders.updateOne(filter(n), { $set: { seen: i } });
      times.push(performance.now() - started);
    }
    return Number(times.sort((a, b) => a - b)[10].toFixed(2));
  };
  const updateByIdMs = await updateMs((n) => ({ _id: n }));
  const conditionalUpdateByIdMs = await updateMs((n) => ({ _id: n, status: 'PENDING' }));
  return {
    hotConditionalUpdates,
    inserts,
    updatesById,
    findByFieldMs,
    findByIndexedFieldMs,
    updateByIdMs,
    conditionalUpdateByIdMs,
  };
}

/** The query and update shapes the services use; each entry is true when the answer is right. */
async function shapes(db: Db) {
  const c = db.collection<Loose>('shapes');
  const hold = randomUUID();
  const check = async (fn: () => Promise<boolean>) => fn().catch((e: Error) => `error: ${e.message}`);
  return {
    upsertSetOnInsert: await check(async () => {
      await c.updateOne({ _id: 'u' }, { $setOnInsert: { a: 1 }, $set: { b: 2 } }, { upsert: true });
      await c.updateOne({ _id: 'u' }, { $setOnInsert: { a: 9 }, $set: { b: 3 } }, { upsert: true });
      const doc = await c.findOne({ _id: 'u' });
      return doc?.['a'] === 1 && doc?.['b'] === 3;
    }),
    dottedExistsHold: await check(async () => {
      await c.insertOne({ _id: 'h', holds: {}, list: [] });
      const first = await c.updateOne(
        { _id: 'h', [`holds.${hold}`]: { $exists: false } },
        { $set: { [`holds.${hold}`]: { qty: 2 } }, $push: { list: 'x' } as mongo.Document },
      );
      const again = await c.updateOne({ _id: 'h', [`holds.${hold}`]: { $exists: false } }, { $set: { [`holds.${hold}`]: { qty: 3 } } });
      await c.updateOne({ _id: 'h' }, { $unset: { [`holds.${hold}`]: '' } });
      const doc = await c.findOne({ _id: 'h' });
      return (
        first.modifiedCount === 1 &&
        again.matchedCount === 0 &&
        Object.keys(doc?.['holds'] as object).length === 0 &&
        (doc?.['list'] as string[]).length === 1
      );
    }),
    projectionSortLimitIn: await check(async () => {
      await c.insertMany([3, 1, 2].map((n) => ({ _id: `s${n}`, n, big: 'x'.repeat(100) })));
      const docs = await c
        .find({ _id: { $in: ['s1', 's2', 's3'] } }, { projection: { n: 1 } })
        .sort({ n: -1 })
        .limit(2)
        .toArray();
      return docs.length === 2 && docs[0]['n'] === 3 && docs[0]['big'] === undefined;
    }),
    countDocuments: await check(async () => (await c.countDocuments({ n: { $gte: 2 } })) === 2),
    uniqueIndex11000: await check(async () => {
      const u = db.collection<Loose>('unique');
      await u.createIndexes([{ key: { email: 1 }, unique: true, name: 'email_1' }]);
      await u.insertOne({ _id: 'e1', email: 'a@x' });
      try {
        await u.insertOne({ _id: 'e2', email: 'a@x' });
        return false;
      } catch (error) {
        return (error as { code?: number }).code === 11000;
      }
    }),
  };
}

async function main() {
  const client = new mongo.MongoClient(uri, { maxPoolSize: CLIENTS });
  const db = client.db(`bench-${Date.now()}`);
  try {
    const result: Record<string, unknown> = { uri };
    Object.assign(result, await atomicity(db));
    Object.assign(result, await throughput(db));
    result['shapes'] = await shapes(db);
    await db.dropDatabase();
    await client.close();
    const pidFile = option('pid-file');
    const restart = option('restart');
    if (pidFile && restart) {
      result['sigkill'] = await sigkillCheck(
        uri,
        () => process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL'),
        async () => void execSync(restart, { stdio: 'ignore' }),
      );
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
