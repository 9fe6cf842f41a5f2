/**
 * The driver's errors that mean "the database cannot be reached or cannot take this right
 * now" rather than "this request is wrong": network failures, no server to select, a pool
 * cleared by a failure, a client closing, a primary stepping down, mongoose giving up on
 * operations it buffered while disconnected. By name, since a service bundle and the driver
 * may hold different copies of the classes.
 */
const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoClientClosedError',
  'MongoOperationTimeoutError',
  'MongoStalePrimaryError',
  'MongoWriteConcernError',
]);

/**
 * Server error codes of a replica set changing hands or a server going down (the ones the
 * driver retries writes on): HostUnreachable, HostNotFound, NetworkTimeout,
 * ShutdownInProgress, PrimarySteppedDown, ExceededTimeLimit, SocketException,
 * NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange,
 * NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary.
 */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

interface DriverError {
  name?: string;
  message?: string;
  code?: unknown;
  hasErrorLabel?: (label: string) => boolean;
  cause?: unknown;
  writeErrors?: unknown[];
}

/** True when `error` (or what caused it) says the database is down or unreachable for now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const e = error as DriverError;
  if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.hasErrorLabel === 'function' && (e.hasErrorLabel('RetryableWriteError') || e.hasErrorLabel('ResetPool'))) return true;
  // A bulk write that failed as a whole (not per document) is a MongoBulkWriteError that
  // carries the fields of the error it failed with: a network error's `beforeHandshake`, a
  // server selection error's `reason` (its labels, such as ResetPool, are checked above).
  if (e.name === 'MongoBulkWriteError' && (e.writeErrors ?? []).length === 0 && ('beforeHandshake' in e || 'reason' in e)) return true;
  // mongoose's own: "Operation `orders.insertOne()` buffering timed out after 10000ms".
  if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
