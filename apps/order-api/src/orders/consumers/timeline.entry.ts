import type { DecodedEvent } from '@orderflow/contracts';
import type { TimelineEntry } from '../persistence/order.schema';

/** An event of another service as its order's timeline shows it. */
export const timelineEntryOf = (event: DecodedEvent): TimelineEntry => ({
  type: event.type.split('.').pop() as string,
  source: event.meta.producer,
  at: new Date(event.meta.occurredAt),
});
