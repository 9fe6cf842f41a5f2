import type { Consumer } from 'kafkajs';
import { RetrySchedule } from './retry.schedule';

function consumer() {
  return { pause: jest.fn(), seek: jest.fn(), resume: jest.fn() };
}

describe('RetrySchedule', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const backoff = { initialMs: 100, maxMs: 1_000 };

  it('rewinds and pauses the partition, and resumes it once the backoff is over', () => {
    const schedule = new RetrySchedule(backoff);
    const c = consumer();
    const { attempt, delayMs } = schedule.schedule(c as unknown as Consumer, 't', 3, '42', () => false);
    expect(attempt).toBe(1);
    expect(c.pause).toHaveBeenCalledWith([{ topic: 't', partitions: [3] }]);
    expect(c.seek).toHaveBeenCalledWith({ topic: 't', partition: 3, offset: '42' });
    jest.advanceTimersByTime(delayMs - 1);
    expect(c.resume).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(c.resume).toHaveBeenCalledWith([{ topic: 't', partitions: [3] }]);
  });

  it('counts the attempts of the message a partition is stuck on, and starts again once it is past', () => {
    const schedule = new RetrySchedule(backoff);
    const c = consumer() as unknown as Consumer;
    expect(schedule.attemptOf('t', 0, '7')).toBe(1);
    schedule.schedule(c, 't', 0, '7', () => false);
    expect(schedule.attemptOf('t', 0, '7')).toBe(2);
    expect(schedule.schedule(c, 't', 0, '7', () => false).attempt).toBe(2);
    expect(schedule.attemptOf('t', 1, '7')).toBe(1);
    schedule.passed('t', 0);
    expect(schedule.attemptOf('t', 0, '7')).toBe(1);
  });

  it('resumes nothing once the consumer is stopping, or after cancel', () => {
    const schedule = new RetrySchedule(backoff);
    const c = consumer();
    let stopping = false;
    schedule.schedule(c as unknown as Consumer, 't', 0, '1', () => stopping);
    schedule.schedule(c as unknown as Consumer, 't', 1, '1', () => false);
    stopping = true;
    schedule.cancel();
    jest.advanceTimersByTime(10_000);
    expect(c.resume).not.toHaveBeenCalled();
  });
});
