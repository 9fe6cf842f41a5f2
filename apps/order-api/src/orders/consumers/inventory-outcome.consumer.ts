import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  decodeInventoryRejectionReason,
  InventoryRejectedSchema,
  InventoryReservedSchema,
  type DecodedEvent,
  type InventoryRejected,
  type InventoryReserved,
} from '@orderflow/contracts';
import { PermanentEventError } from '@orderflow/messaging';
import type { OrderInput } from '../domain/order.transitions';
import { OrderError } from '../domain/order';
import { OrderWorkflow } from '../commands/order.workflow';
import { timelineEntryOf } from './timeline.entry';

/**
 * The events whose handler here enters them in the timeline with the change they cause (or
 * with the record that they were ignored): the timeline consumer passes them over, one
 * document write fewer per order. A redelivery changes nothing, and finds them there.
 */
export const RECORDED_WITH_THEIR_CHANGE: ReadonlySet<string> = new Set([
  InventoryReservedSchema.typeName,
  InventoryRejectedSchema.typeName,
]);

/** Inventory's answers move a pending order to CONFIRMED or REJECTED. */
@Controller()
export class InventoryOutcomeConsumer {
  constructor(private readonly workflow: OrderWorkflow) {}

  @EventPattern(InventoryReservedSchema.typeName)
  async reserved(@Payload() event: DecodedEvent<InventoryReserved>): Promise<void> {
    const { message } = event;
    await this.apply(event, {
      kind: 'reserved',
      lines: message.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: Number(line.unitPrice) })),
      total: Number(message.total),
    });
  }

  @EventPattern(InventoryRejectedSchema.typeName)
  async rejected(@Payload() event: DecodedEvent<InventoryRejected>): Promise<void> {
    const { message } = event;
    await this.apply(event, {
      kind: 'rejected',
      rejection: { reason: decodeInventoryRejectionReason(message.reason), skus: [...message.skus] },
    });
  }

  private async apply(event: DecodedEvent, input: OrderInput): Promise<void> {
    try {
      await this.workflow.apply(event.message.orderId, input, {
        eventId: event.meta.eventId,
        type: event.type,
        entry: timelineEntryOf(event),
      });
    } catch (error) {
      // Orders are stored before their OrderCreated is published, so an answer for an
      // unknown order can never succeed: park it rather than retry forever.
      if (error instanceof OrderError && error.code === 'ORDER_NOT_FOUND') {
        throw new PermanentEventError('UNKNOWN_ORDER', error.message);
      }
      throw error;
    }
  }
}
