import { mongo } from 'mongoose';

/** The part of the driver's internal connection class the guard touches. */
interface DriverConnection {
  closed: boolean;
  error: Error | null;
  once(event: 'close', listener: () => void): void;
  off(event: 'close', listener: () => void): void;
  writeCommand(...args: unknown[]): Promise<void>;
}

const GUARDED = Symbol.for('orderflow.driverWriteGuard');

/**
 * Makes a command written to a connection that is closing fail instead of waiting forever.
 *
 * The MongoDB driver (mongodb 7.8, unchanged in 7.9) writes a command with `socket.write()`
 * and, when that returns false, waits for `drain`. A socket whose peer has just closed it is
 * already destroyed while its `close` event is still queued; the driver's connection does not
 * know yet, `write()` returns false, and a destroyed socket emits neither `drain` nor `error`:
 * the write never settles. When this hits the monitor's heartbeat (a database SIGKILL makes
 * every socket close at once; a failed read is retried at once, and selecting a server for
 * the retry wakes the monitor in that very moment), the monitor's check never ends, no heartbeat runs again, the server stays
 * "Unknown" for good: every operation fails server selection and mongoose stays
 * "disconnected" while the database is long back. A pooled connection hit the same way hangs
 * its operation.
 *
 * The guard lets such a write fail with the connection's own network error as soon as the
 * connection closes (it always does: its socket's `close` event follows), which the driver
 * then handles like any other network error (monitor retries, pool cleared).
 */
export function guardDriverWrites(): void {
  const prototype = driverConnectionClass().prototype as DriverConnection & { [GUARDED]?: true };
  if (prototype[GUARDED]) return;
  const write = prototype.writeCommand;
  if (typeof write !== 'function')
    throw new Error('mongodb driver: Connection.writeCommand not found; check driver-write.guard.ts against this driver version');
  prototype.writeCommand = function guardedWriteCommand(this: DriverConnection, ...args: unknown[]) {
    let onClose = (): void => undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(this.error ?? new Error('connection closed'));
      this.once('close', onClose);
    });
    if (this.closed) onClose();
    return Promise.race([write.apply(this, args), closed]).finally(() => this.off('close', onClose));
  };
  prototype[GUARDED] = true;
}

/**
 * The driver's internal connection class. A plain `require` so the service bundle leaves it to
 * node_modules like every package; it must be the copy mongoose uses, or the guard guards nothing.
 */
function driverConnectionClass(): { prototype: unknown } {
  const driver = require('mongodb') as typeof mongo;
  if (driver.MongoClient !== mongo.MongoClient)
    throw new Error('mongodb driver: mongoose uses another copy of the driver than node_modules/mongodb');
  return (require('mongodb/lib/cmap/connection') as { Connection: { prototype: unknown } }).Connection;
}
