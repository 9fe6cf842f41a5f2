import { markCorrelation } from '@orderflow/observability';

/** Span attributes of this project, beside the OpenTelemetry semantic conventions. */
export const OrderflowAttributes = {
  orderId: 'orderflow.order_id',
  eventId: 'orderflow.event_id',
  eventType: 'orderflow.event_type',
  attempt: 'orderflow.delivery_attempt',
  deadLetterCode: 'orderflow.dead_letter.code',
} as const;

/**
 * Names the order the current request or event is about: `order_id` on every log line from
 * here on, and `orderflow.order_id` on the active span, as consuming an event does.
 */
export function markOrder(orderId: string): void {
  markCorrelation('order_id', OrderflowAttributes.orderId, orderId);
}
