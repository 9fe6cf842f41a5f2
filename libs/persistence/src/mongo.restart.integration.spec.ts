import { eventually, freePort, TcpProxy } from '@orderflow/testing';
import mongoose, { Connection, Schema } from 'mongoose';
import { PrivateMongo } from '../../../tools/infra/src/mongodb.private';
import { guardDriverWrites } from './driver-write.guard';
import { MongoReadiness } from './mongo.readiness';

const WRITERS = 32;
const ROUNDS = 5;

/**
 * A service's connection must come back by itself each time the database is SIGKILLed and
 * restarted while operations are in flight. Before driver-write.guard.ts, one round in a few
 * left the driver's monitor waiting forever on a write to a socket that had just closed: the
 * connection then stayed "disconnected" and every operation failed, with the database back.
 * The database is a private instance (this test kills it), reached, as in the fault-injection
 * suite, through a TCP relay.
 */
describe('MongoDB connection across database SIGKILLs (integration)', () => {
  let database: PrivateMongo;
  let relay: TcpProxy;
  let connection: Connection;

  beforeAll(async () => {
    guardDriverWrites(); // as MongoModule does
    database = await PrivateMongo.start();
    const { hostname, port } = new URL(database.uri.replace(/^mongodb:/, 'http:'));
    relay = new TcpProxy({ host: hostname, port: Number(port) }, await freePort());
    await relay.start();
    // The services' options (MongoModule).
    connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${relay.port}`, { dbName: 'restart', serverSelectionTimeoutMS: 5_000 })
      .asPromise();
  }, 120_000);

  afterAll(async () => {
    await connection?.close(true);
    await relay?.stop();
    await database?.stop();
  });

  it(`is ready and usable again within 30 s after each of ${ROUNDS} SIGKILLs under load`, async () => {
    const Counter = connection.model('Counter', new Schema({ _id: String, n: Number }));
    let acknowledged = 0;
    let stop = false;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          await Counter.updateOne({ _id: `w${w}-${i % 20}` }, { $inc: { n: 1 } }, { upsert: true });
          // A read too: the driver retries a failed read at once, and that retry woke the
          // monitor in the very moment its socket had closed.
          await Counter.findById(`w${w}-${(i * 7) % 20}`).lean();
          acknowledged++;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50)); // the database is away
        }
      }
    });
    const readiness = new MongoReadiness(connection);
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        // Writes are flowing, so some are in flight when the database dies.
        const before = acknowledged;
        await eventually(() => expect(acknowledged).toBeGreaterThan(before + 200), { timeoutMs: 30_000 });
        await database.kill();
        await database.restart();
        await eventually(() => readiness.check(), { timeoutMs: 30_000, intervalMs: 250 });
        const afterRestart = acknowledged;
        await eventually(() => expect(acknowledged).toBeGreaterThan(afterRestart + WRITERS), { timeoutMs: 30_000 });
      }
      stop = true;
      await Promise.all(writers);
    } finally {
      // On failure a writer may be waiting on an operation that never ends: not awaited.
      stop = true;
    }
  }, 300_000);
});
