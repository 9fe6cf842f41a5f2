import { Injectable, Logger } from '@nestjs/common';
import { announcedFor, DirectPublisher } from '@orderflow/messaging';
import { ProductRepository } from '../../../products/persistence/product.repository';
import type { Line } from '../../domain/reservation.rules';
import { releaseStep } from '../../domain/reservation.transitions';
import { ReservationRepository } from '../../persistence/reservation.repository';
import { releasedEvent } from '../../reservation.events';
import { ReservationMetrics } from '../../reservation.metrics';

export interface ReleaseCommand {
  orderId: string;
  lines: Line[];
  currency: string;
  /** The OrderCancelled event this answers. */
  eventId: string;
}

/**
 * Gives back everything a cancelled order holds, once. A reserved order is first marked
 * RELEASING; each line then goes back in one update that leaves a release hold on the
 * product, so a redelivery or a crash halfway never returns stock twice; once RELEASED is
 * recorded with its event, this handler publishes the event and drops the holds again, and a
 * redelivery does both again (`announcedFor`).
 */
@Injectable()
export class ReleaseStockHandler {
  private readonly logger = new Logger(ReleaseStockHandler.name);

  constructor(
    private readonly products: ProductRepository,
    private readonly reservations: ReservationRepository,
    private readonly metrics: ReservationMetrics,
    private readonly publisher: DirectPublisher,
  ) {}

  async execute(command: ReleaseCommand): Promise<void> {
    const { orderId, eventId } = command;
    for (;;) {
      const reservation = await this.reservations.find(orderId);
      const lines = (reservation?.lines ?? []) as Line[];
      let from = reservation?.status ?? null;
      const step = releaseStep(from);
      if (step.kind === 'drop-release-holds') {
        // A crash after recording the release may have come before its event was published,
        // or left its holds behind.
        await Promise.all([
          this.publisher.publish(announcedFor(reservation?.announced, eventId)),
          lines.length > 0 && this.products.dropHolds(orderId, lines, 'release'),
        ]);
        return;
      }
      if (step.viaReleasing) {
        await this.products.dropHolds(orderId, lines, 'take');
        if (!(await this.reservations.move(orderId, 'RESERVED', 'RELEASING'))) continue;
        from = 'RELEASING';
      }

      // What RESERVING took still carries take holds; RELEASING gives every line back once.
      if (step.giveBack === 'taken') await this.products.giveBack(orderId, lines);
      if (step.giveBack === 'reserved') for (const line of lines) await this.products.release(line.sku, orderId, line.quantity);
      const released = step.giveBack === 'nothing' ? [] : lines.map(({ sku, quantity }) => ({ sku, quantity }));
      const event = releasedEvent(orderId, released, eventId);
      const currency = reservation?.currency ?? command.currency;
      if (!(await this.reservations.finish(orderId, from, { status: 'RELEASED', currency }, event))) continue;
      this.metrics.unitsReleased(released.reduce((n, line) => n + line.quantity, 0));
      await Promise.all([
        this.publisher.publish([event]),
        step.giveBack === 'reserved' && this.products.dropHolds(orderId, lines, 'release'),
      ]);
      this.logger.log(`order ${orderId}: released ${released.length} lines`);
      return;
    }
  }
}
