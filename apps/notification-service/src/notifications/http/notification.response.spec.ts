import type { Notification } from '../domain/notification';
import { toNotificationResponse } from './notification.response';

describe('toNotificationResponse', () => {
  it('tells a customer that a notification failed, never what the channel answered or where it lives', () => {
    const failed = {
      id: '5a1c0f3e-9b7d-5c2e-8f41-3a6b2d9e0c17',
      orderId: '0b8f5a52-2c55-4f0e-9a53-7d6c9b1e4a10',
      customerId: 'c-1',
      kind: 'ORDER_CONFIRMED',
      channel: 'email',
      status: 'FAILED',
      message: 'Your order is confirmed.',
      createdAt: new Date('2026-12-01T10:00:00Z'),
      finishedAt: new Date('2026-12-01T10:05:00Z'),
      failureReason: 'gave up after 5 attempts: webhook unreachable: ECONNREFUSED 10.20.0.7:443',
    } as unknown as Notification;
    expect(toNotificationResponse(failed)).toMatchObject({ status: 'FAILED', reason: 'The message could not be delivered.' });
    expect(JSON.stringify(toNotificationResponse(failed))).not.toMatch(/ECONNREFUSED|10\.20\.0\.7|webhook/);
  });
});
