import { Injectable, Logger } from '@nestjs/common';
import { ProductRepository } from '../products/product.repository';
import type { Line } from './domain/reservation.rules';
import { releasedEvent } from './reservation.events';
import { ReservationRepository } from './reservation.repository';

export interface ReleaseCommand {
  orderId: string;
  lines: Line[];
  currency: string;
  /** The OrderCancelled event this answers. */
  eventId: string;
}

/**
 * Gives back everything a cancelled order holds, once. Each give-back only happens while
 * the order's hold is still on the product, so a redelivery or a crash halfway never
 * returns stock twice.
 */
@Injectable()
export class ReleaseStockHandler {
  private readonly logger = new Logger(ReleaseStockHandler.name);

  constructor(
    private readonly products: ProductRepository,
    private readonly reservations: ReservationRepository,
  ) {}

  async execute(command: ReleaseCommand): Promise<void> {
    const { orderId, eventId } = command;
    for (;;) {
      const reservation = await this.reservations.find(orderId);
      if (reservation?.status === 'RELEASED') return;

      // A reservation in progress or made holds stock under the order's lines; a rejected
      // (or never seen) order holds nothing.
      const holds = reservation && reservation.status !== 'REJECTED' ? (reservation.lines as Line[]) : [];
      for (const line of holds) await this.products.giveBack(line.sku, orderId, line.quantity);
      const released = holds.map((line) => ({ sku: line.sku, quantity: line.quantity }));
      const done = await this.reservations.finish(
        orderId,
        reservation?.status ?? null,
        { status: 'RELEASED', currency: reservation?.currency ?? command.currency },
        releasedEvent(orderId, released, eventId),
      );
      if (done) {
        this.logger.log(`order ${orderId}: released ${released.length} lines`);
        return;
      }
    }
  }
}
