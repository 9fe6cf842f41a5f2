import { NOTIFICATION_KINDS, newNotification, notificationId, notificationKey } from './notification';

const ORDER = '0b8f5a52-2c55-4f0e-9a53-7d6c9b1e4a10';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('notification identity', () => {
  it('keys a notification by order and kind', () => {
    expect(notificationKey(ORDER, 'ORDER_CONFIRMED')).toBe(`${ORDER}:ORDER_CONFIRMED`);
  });

  it('derives the same version 5 UUID for the same order and kind, every time', () => {
    const id = notificationId(ORDER, 'POINTS_AWARDED');
    expect(id).toMatch(UUID);
    expect(notificationId(ORDER, 'POINTS_AWARDED')).toBe(id);
  });

  it('keeps the ids of notifications already stored', () => {
    expect(notificationId('0b8e0f57-5c1f-4d39-9a0e-2f1f7e2b6a11', 'ORDER_CONFIRMED')).toBe('66ce7754-e384-5843-b421-32bc8048f0e4');
  });

  it('gives every kind of one order, and every order, an id of its own', () => {
    const other = '7d6c9b1e-4a10-4f0e-9a53-0b8f5a522c55';
    const ids = NOTIFICATION_KINDS.flatMap((kind) => [notificationId(ORDER, kind), notificationId(other, kind)]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('records a new notification as pending, due at once, on the email channel', () => {
    const at = new Date('2030-01-02T03:04:05Z');
    const notification = newNotification({
      orderId: ORDER,
      customerId: 'c-1',
      kind: 'ORDER_CANCELLED',
      message: 'm',
      causationId: 'e',
      at,
    });
    expect(notification).toMatchObject({
      id: notificationId(ORDER, 'ORDER_CANCELLED'),
      status: 'PENDING',
      channel: 'email',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      failureReason: null,
      finishedAt: null,
    });
  });
});
