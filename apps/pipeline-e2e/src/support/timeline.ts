import { eventually } from '@orderflow/testing';
import { call } from '@orderflow/stack';

export interface TimelineEntry {
  type: string;
  eventId: string;
  source: string;
  at: string;
}

export async function getTimeline(orderId: string): Promise<TimelineEntry[]> {
  const response = await call<TimelineEntry[]>('order-api', 'GET', `/orders/${orderId}/timeline`);
  if (response.status !== 200)
    throw new Error(`GET /orders/${orderId}/timeline answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** How many entries of each type, e.g. `{ OrderCreated: 1, InventoryReserved: 1 }`. */
export function countByType(timeline: TimelineEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of timeline) counts[entry.type] = (counts[entry.type] ?? 0) + 1;
  return counts;
}

/**
 * Polls until the order's timeline holds an entry of every type in `types`, and returns
 * it. An event in the timeline has been published, so it is the positive signal that the
 * service which emits it has handled what caused it.
 */
export function timelineIncludes(orderId: string, types: string[], timeoutMs = 30_000): Promise<TimelineEntry[]> {
  return eventually(
    async () => {
      const timeline = await getTimeline(orderId);
      const missing = types.filter((type) => !timeline.some((entry) => entry.type === type));
      if (missing.length > 0)
        throw new Error(`timeline of ${orderId} lacks ${missing.join(', ')}; has ${timeline.map((e) => e.type).join(', ')}`);
      return timeline;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
