import { mongo } from 'mongoose';

const WRITERS = 16;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SigkillResult {
  ackedInserts: number;
  lostInserts: number;
  ackedIncs: number;
  lostIncs: number;
}

/** Polls a ping until the database answers, failing after `timeoutMs`. */
export async function waitForPing(uri: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(200);
    } finally {
      await client.close();
    }
  }
}

/**
 * From 16 connections, inserts documents and increments a counter in a loop, recording each
 * write the database acknowledged; once `ackedBeforeKill` inserts are acknowledged, `kill`
 * SIGKILLs the database mid-stream and `restart` brings it back. Then counts what is missing.
 * Waits on deadlines, never on fixed sleeps.
 */
export async function sigkillCheck(
  uri: string,
  kill: () => void,
  restart: () => Promise<void>,
  ackedBeforeKill = 1500,
): Promise<SigkillResult> {
  const client = new mongo.MongoClient(uri, { maxPoolSize: WRITERS, serverSelectionTimeoutMS: 2_000, retryWrites: false });
  const db = client.db(`sigkill-${Date.now()}`);
  await db.collection('counter').insertOne({ _id: 'k' as never, n: 0 });
  const acked: string[] = [];
  let ackedIncs = 0;
  let killed = false;
  const writers = Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = 0; !killed; i++) {
      try {
        const _id = `${w}-${i}`;
        await db.collection('acked').insertOne({ _id: _id as never });
        acked.push(_id);
        await db.collection('counter').updateOne({ _id: 'k' as never }, { $inc: { n: 1 } });
        ackedIncs++;
      } catch {
        return; // the database is gone: this write was never acknowledged
      }
    }
  });
  const deadline = Date.now() + 60_000;
  while (acked.length < ackedBeforeKill) {
    if (Date.now() > deadline) throw new Error(`only ${acked.length} inserts acknowledged in 60 s`);
    await delay(10);
  }
  kill();
  killed = true;
  await Promise.all(writers);
  await client.close(true);
  const ackedIds = [...acked];

  await restart();
  await waitForPing(uri);
  const after = new mongo.MongoClient(uri);
  try {
    const db2 = after.db(db.databaseName);
    const present = new Set(
      (
        await db2
          .collection('acked')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => String(d._id)),
    );
    const counter = (await db2.collection('counter').findOne({ _id: 'k' as never }))?.['n'] as number | undefined;
    await db2.dropDatabase();
    return {
      ackedInserts: ackedIds.length,
      lostInserts: ackedIds.filter((id) => !present.has(id)).length,
      ackedIncs,
      lostIncs: Math.max(0, ackedIncs - (counter ?? 0)),
    };
  } finally {
    await after.close();
  }
}
