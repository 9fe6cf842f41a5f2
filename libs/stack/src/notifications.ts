import { eventually } from '@orderflow/testing';
import { call } from './api';

export type NotificationKind = 'ORDER_CONFIRMED' | 'ORDER_REJECTED' | 'ORDER_CANCELLED' | 'POINTS_AWARDED' | 'POINTS_REVERSED';

export interface Notification {
  id: string;
  orderId: string;
  customerId: string;
  kind: NotificationKind;
  channel: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  message: string;
  at: string;
}

/** GET /notifications with these query parameters; throws unless it answers 200. */
export async function listNotifications(query: Record<string, string>): Promise<Notification[]> {
  const path = `/notifications?${new URLSearchParams(query)}`;
  const response = await call<{ items: Notification[] }>('notification-service', 'GET', path);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.items;
}

/**
 * Polls until the notifications matching `query` include a SENT one of every kind in
 * `kinds`, and returns them all.
 */
export function notificationsSent(query: Record<string, string>, kinds: NotificationKind[], timeoutMs = 30_000): Promise<Notification[]> {
  return eventually(
    async () => {
      const items = await listNotifications(query);
      const missing = kinds.filter((kind) => !items.some((n) => n.kind === kind && n.status === 'SENT'));
      if (missing.length > 0) throw new Error(`waiting for ${missing.join(', ')} to be SENT; have ${JSON.stringify(items)}`);
      return items;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** How many notifications of each kind there are, e.g. `{ ORDER_CONFIRMED: 1 }`. */
export function countByKind(items: Notification[]): Partial<Record<NotificationKind, number>> {
  const counts: Partial<Record<NotificationKind, number>> = {};
  for (const item of items) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  return counts;
}
