/**
 * kafkajs 2.2.4 keeps a timer loop running on every broker connection: once a request queue
 * has checked for pending requests, it schedules the next check even when nothing is pending
 * and nothing is throttled, with a negative delay, so each connection runs a callback about
 * every millisecond for as long as it is open (tulios/kafkajs#1556, unfixed upstream). A
 * service with a producer, a consumer and an admin client spent about 2 % of a core idle on
 * it, and as much again under load.
 *
 * The check has work only while requests wait in the queue (it polls every 10 ms for them)
 * or a throttle is to lift (it runs when the throttle ends); requests that wait because too
 * many are in flight are sent when one completes, which checks the queue anyway. So a check
 * is scheduled only in those two cases; everything else in the queue is kafkajs's own.
 */
/** The part of kafkajs's (internal) request queue this touches. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's interval between checks while requests wait in the queue. */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;
const PATCHED = Symbol.for('orderflow.kafkajs.requestQueue.patched');

/** The request queue class kafkajs's connections use (kafkajs has no public way to reach it). */
function requestQueueClass(): { prototype: RequestQueue } & Record<symbol, boolean> {
  return require('kafkajs/src/network/requestQueue');
}

/** Schedules a check of the queue only when there is something to check; idempotent. */
export function patchRequestQueue(): void {
  const RequestQueueClass = requestQueueClass();
  if (RequestQueueClass[PATCHED]) return;
  RequestQueueClass[PATCHED] = true;
  RequestQueueClass.prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    const delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
}
