import { mongo, Error as MongooseError } from 'mongoose';
import { isDatabaseUnavailable } from './database-unavailable';

/** As the driver reports a bulk write that failed as a whole: the error's fields copied onto a bulk write error. */
const bulkFailedWith = (error: Error) => new mongo.MongoBulkWriteError(error as never, {} as never);

describe('isDatabaseUnavailable', () => {
  const server = (code: number) => new mongo.MongoServerError({ code, errmsg: `code ${code}` });

  it.each([
    ['a network error', new mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017')],
    ['a network timeout', new mongo.MongoNetworkTimeoutError('timed out')],
    [
      'no server to select',
      new mongo.MongoServerSelectionError('Server selection timed out after 5000 ms', { servers: new Map() } as never),
    ],
    ['a client not connected', new mongo.MongoNotConnectedError('not connected')],
    ['a primary stepping down', server(189)],
    ['a server that is not primary', server(10107)],
    ['a server shutting down', server(91)],
    ['an operation mongoose buffered too long', new MongooseError('Operation `orders.insertOne()` buffering timed out after 10000ms')],
    ['a bulk write cut off by a network error', bulkFailedWith(new mongo.MongoNetworkError('connection 1 to 127.0.0.1:27017 closed'))],
    [
      'a bulk write with no server to send it to',
      bulkFailedWith(new mongo.MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', { servers: new Map() } as never)),
    ],
    [
      'a network error wrapped by another',
      Object.assign(new Error('insert failed'), { cause: new mongo.MongoNetworkError('socket closed') }),
    ],
  ])('says yes to %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', server(11000)],
    [
      'a bulk write with a duplicate key',
      new mongo.MongoBulkWriteError({ message: 'E11000', code: 11000, writeErrors: [{ index: 0, code: 11000 }] as never }, {} as never),
    ],
    ['a document failing validation', new MongooseError.ValidationError()],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing at all', undefined],
  ])('says no to %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
