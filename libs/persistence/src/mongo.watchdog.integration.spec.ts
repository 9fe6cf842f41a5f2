import { eventually, freePort, infraEnv, TcpProxy, uniqueName } from '@orderflow/testing';
import mongoose, { Connection } from 'mongoose';
import { MongoWatchdog } from './mongo.watchdog';

const FAST = { intervalMs: 200, stuckForMs: 1_500, pingTimeoutMs: 500 };

/**
 * The watchdog against the real database, the service's client reaching it through a TCP
 * relay that the test cuts: cut for the client alone, the database still answering a new
 * connection, is the stuck replica; cut for every connection is an outage.
 */
describe('MongoWatchdog (integration)', () => {
  let relay: TcpProxy;
  let relayUri: string;
  let connection: Connection;
  let watchdog: MongoWatchdog | undefined;
  const stuck: string[] = [];

  beforeEach(async () => {
    const target = new URL(infraEnv().MONGODB_URI.replace(/^mongodb:/, 'http:'));
    relay = new TcpProxy({ host: target.hostname, port: Number(target.port) }, await freePort());
    await relay.start();
    relayUri = `mongodb://127.0.0.1:${relay.port}`;
    connection = await mongoose
      .createConnection(relayUri, { dbName: uniqueName('it-watchdog'), serverSelectionTimeoutMS: 5_000 })
      .asPromise();
    stuck.length = 0;
  });

  afterEach(async () => {
    watchdog?.onModuleDestroy();
    await relay.start();
    await connection.close(true);
    await relay.stop();
  });

  const watch = (probeUri: string) => {
    watchdog = new MongoWatchdog(connection, probeUri, FAST, (reason) => stuck.push(reason));
    watchdog.onApplicationBootstrap();
    return watchdog;
  };

  it('gives up on a client that cannot reach a database that answers others', async () => {
    // The new connection goes straight to the database; the client's relay is cut.
    watch(infraEnv().MONGODB_URI);
    await relay.stop();
    await eventually(() => expect(stuck).toHaveLength(1), { timeoutMs: 15_000 });
    expect(stuck[0]).toMatch(/answers a new connection but not this service's client/);
  });

  it('leaves the client alone while the database answers nobody, and while all is well', async () => {
    // The same URI for both, as in a service: cutting the relay is an outage for everyone.
    const dog = watch(relayUri);
    await eventually(() => expect(dog.checks).toBeGreaterThanOrEqual(3));
    await relay.stop();
    // Long enough that the client has failed for more than stuckForMs.
    const cut = dog.checks;
    await eventually(() => expect(dog.checks).toBeGreaterThanOrEqual(cut + 3 + FAST.stuckForMs / FAST.intervalMs), { timeoutMs: 30_000 });
    await relay.start();
    await eventually(() => connection.db?.command({ ping: 1 }), { timeoutMs: 30_000 });
    expect(stuck).toEqual([]);
  });
});
