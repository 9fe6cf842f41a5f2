import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';

/** Raw database rates with the services' own driver (the one mongoose wraps), on the same server. */
export interface MongoLimit {
  clients: number;
  insertsPerSecond: number;
  /** Single-document conditional decrements, the shape of a stock reservation. */
  conditionalUpdatesPerSecond: number;
}

const CLIENTS = 16;
/** As many hot documents as the standard run has SKUs. */
const DOCUMENTS = 20;

/** Runs `op` from `clients` concurrent loops for `seconds`; returns completed ops per second. */
async function rate(clients: number, seconds: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) await op(done++);
    }),
  );
  return (done * 1000) / (performance.now() - started);
}

/** Measures on a database of its own, dropped afterwards. */
export async function mongoLimit(uri: string, seconds: number): Promise<MongoLimit> {
  const client = new mongoose.mongo.MongoClient(uri, { maxPoolSize: CLIENTS });
  await client.connect();
  const db = client.db(`bench-limit-${randomUUID().slice(0, 8)}`);
  try {
    const inserted = db.collection<{ _id: string; n: number; at: Date }>('inserts');
    const insertsPerSecond = await rate(CLIENTS, seconds, () => inserted.insertOne({ _id: randomUUID(), n: 1, at: new Date() }));
    const stock = db.collection<{ _id: string; n: number }>('stock');
    await stock.insertMany(Array.from({ length: DOCUMENTS }, (_, i) => ({ _id: `sku-${i}`, n: 1_000_000_000 })));
    const conditionalUpdatesPerSecond = await rate(CLIENTS, seconds, (i) =>
      stock.updateOne({ _id: `sku-${i % DOCUMENTS}`, n: { $gte: 1 } }, { $inc: { n: -1 } }),
    );
    return { clients: CLIENTS, insertsPerSecond, conditionalUpdatesPerSecond };
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}
