/**
 * Every event schema the contracts know. The envelope decodes only these types, and the
 * topic registry routes each of them; `topics.spec.ts` keeps the two in step.
 */
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import type { MessageShape } from '@bufbuild/protobuf';
import { InventoryRejectedSchema, InventoryReleasedSchema, InventoryReservedSchema } from './gen/orderflow/inventory/v1/events_pb';
import { NotificationSentSchema } from './gen/orderflow/notifications/v1/events_pb';
import { OrderCancelledSchema, OrderConfirmedSchema, OrderCreatedSchema, OrderRejectedSchema } from './gen/orderflow/orders/v1/events_pb';
import { PointsAwardedSchema, PointsReversedSchema } from './gen/orderflow/points/v1/events_pb';

export const eventSchemas = [
  OrderCreatedSchema,
  OrderConfirmedSchema,
  OrderRejectedSchema,
  OrderCancelledSchema,
  InventoryReservedSchema,
  InventoryRejectedSchema,
  InventoryReleasedSchema,
  PointsAwardedSchema,
  PointsReversedSchema,
  NotificationSentSchema,
] as const;

/** The schema of any event; other generated messages (lines, …) are not events. */
export type EventSchema = (typeof eventSchemas)[number];
/** Union of every event message, discriminated by `$typeName`. */
export type EventMessage = MessageShape<EventSchema>;
/** Fully-qualified protobuf name of an event, e.g. `orderflow.orders.v1.OrderCreated`. */
export type EventType = EventMessage['$typeName'];

const byType = new Map<string, EventSchema>(eventSchemas.map((s) => [s.typeName, s]));

export function findEventSchema(type: string): EventSchema | undefined {
  return byType.get(type);
}

/**
 * The event type name of a schema, typed as its literal (`typeName` is a plain string on
 * descriptors), so registries built from schemas cannot drift from the generated names.
 */
export function eventTypeOf<M extends EventMessage>(schema: GenMessage<M>): M['$typeName'] {
  return schema.typeName as M['$typeName'];
}

/** `v1` for `orderflow.orders.v1.OrderCreated`: the major version is the package's. */
export function schemaVersionOf(type: string): string {
  const match = /\.(v\d+)\.[^.]+$/.exec(type);
  if (!match) throw new Error(`event type ${type} has no versioned package`);
  return match[1];
}
