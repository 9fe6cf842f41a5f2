import { patchRequestQueue } from './request-queue.patch';

const RequestQueue = require('kafkajs/src/network/requestQueue');

/** A request queue as a connection makes it, with kafkajs's logger stubbed. */
const queue = () => {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  return new RequestQueue({
    instrumentationEmitter: null,
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'b:9092',
    logger,
  });
};

describe('the kafkajs request queue, patched', () => {
  beforeAll(() => patchRequestQueue());
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs no timer when nothing waits and nothing is throttled (kafkajs 2.2.4 looped every millisecond)', () => {
    const q = queue();
    const check = jest.spyOn(q, 'checkPendingRequests');
    q.checkPendingRequests();
    jest.advanceTimersByTime(1_000);
    expect(check).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still checks every 10 ms while requests wait in the queue, and stops once they are sent', () => {
    const q = queue();
    const sent: string[] = [];
    let canSend = false;
    jest.spyOn(q, 'canSendSocketRequestImmediately').mockImplementation(() => canSend);
    jest.spyOn(q, 'sendSocketRequest').mockImplementation((request) => sent.push((request as { id: string }).id));
    q.pending.push({ id: 'waiting' });
    q.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(25);
    expect(sent).toEqual([]);
    canSend = true;
    jest.advanceTimersByTime(10);
    expect(sent).toEqual(['waiting']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks when a throttle lifts', () => {
    const q = queue();
    const check = jest.spyOn(q, 'checkPendingRequests');
    q.throttledUntil = Date.now() + 500;
    q.pending.push({ id: 'throttled' });
    jest.spyOn(q, 'sendSocketRequest').mockImplementation(() => undefined);
    q.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(499);
    expect(check).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(check).toHaveBeenCalled();
  });

  it('is applied once, however many clients are made', () => {
    const patched = RequestQueue.prototype.scheduleCheckPendingRequests;
    patchRequestQueue();
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(patched);
  });
});
