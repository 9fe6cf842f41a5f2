import { Injectable, Logger } from '@nestjs/common';
import { announcedFor, DirectPublisher } from '@orderflow/messaging';
import { ProductRepository } from '../../../products/persistence/product.repository';
import { priced, repriced, shortSkus, takingOrder, unknownSkus, type Line } from '../../domain/reservation.rules';
import { reserveStep } from '../../domain/reservation.transitions';
import { ReservationRepository } from '../../persistence/reservation.repository';
import { rejectedEvent, reservedEvent } from '../../reservation.events';
import { ReservationMetrics } from '../../reservation.metrics';

export interface ReserveCommand {
  orderId: string;
  lines: Line[];
  currency: string;
  /** The OrderCreated event this answers. */
  eventId: string;
  /**
   * Where the handler leaves what need not be done before it returns (the consumer's
   * `EventContext.settleLater`, which commits the event only once it is); without it, the
   * handler waits for it.
   */
  settleLater?: (effect: Promise<unknown>) => void;
}

/**
 * Reserves every line of an order or none. Each line is taken with one conditional update
 * (enough available, this order not holding it yet, the price it is charged still the
 * product's); if a line is short, what was taken is given back before the rejection is
 * recorded, and if a price changed instead, the order is taken again at the new one. Prices
 * come from what this process last read of the catalogue (`ProductRepository.prices`), so
 * most orders read no product. The outcome is the reservation document's first write, with
 * its event, which this handler then publishes itself (`announcedFor`).
 * Safe to run again for the same order at any point — after a crash halfway it finds its own
 * holds and converges on one reservation (charged at a price the product had within the
 * last `PRICE_REMEMBERED_MS`: a hold already there is not taken again, so its price is not
 * checked again); once the outcome is recorded, the holds are dropped; a redelivery
 * publishes the outcome's event again.
 *
 * The orders of a consumer batch run side by side, and what they ask of the database at the
 * same moment shares one command: their reads, their takes, their outcomes.
 */
@Injectable()
export class ReserveStockHandler {
  private readonly logger = new Logger(ReserveStockHandler.name);

  constructor(
    private readonly products: ProductRepository,
    private readonly reservations: ReservationRepository,
    private readonly metrics: ReservationMetrics,
    private readonly publisher: DirectPublisher,
  ) {}

  async execute(command: ReserveCommand): Promise<void> {
    const { orderId, lines, eventId, currency } = command;
    const [reservation, catalogue] = await Promise.all([
      this.reservations.find(orderId),
      this.products.prices(lines.map((line) => line.sku)),
    ]);
    const from = reservation?.status ?? null;
    const step = reserveStep(from);
    if (step !== 'take') {
      // Decided before: this is a redelivery, perhaps after a crash that came before the
      // outcome was published or the holds were dropped. Both are done again.
      await Promise.all([
        this.publisher.publish(announcedFor(reservation?.announced, eventId)),
        step === 'drop-take-holds' && this.dropTakeHolds(command, reservation?.lines ?? []),
      ]);
      return;
    }

    const unknown = unknownSkus(lines, catalogue);
    if (unknown.length > 0) {
      const rejection = { reason: 'UNKNOWN_SKU' as const, skus: unknown };
      const event = rejectedEvent(orderId, rejection, eventId);
      if (!(await this.reservations.finish(orderId, from, { status: 'REJECTED', rejection, currency }, event)))
        return this.execute(command);
      await this.publisher.publish([event]);
      this.logger.log(`order ${orderId}: rejected, unknown SKUs ${unknown.join(', ')}`);
      return;
    }

    // All lines at once: they go out in the same command, in the SKU order that makes two
    // orders over the same products contend in the same sequence.
    const ordered = takingOrder(lines);
    const result = priced(lines, catalogue);
    const charged = new Map(result.lines.map((line) => [line.sku, line.unitPrice]));
    const held = await Promise.all(ordered.map((line) => this.products.take(line.sku, orderId, line.quantity, charged.get(line.sku))));
    const short = ordered.filter((_, i) => !held[i]);
    if (short.length > 0) {
      // All or none: give back what this order took, then say which lines are short now.
      await this.products.giveBack(
        orderId,
        ordered.filter((_, i) => held[i]),
      );
      const now = await this.products.findMany(lines.map((l) => l.sku));
      // Refused for a price that changed, not for stock: taken again at the price read now.
      if (repriced(catalogue, now)) return this.execute(command);
      const skus = [...new Set([...short.map((line) => line.sku), ...shortSkus(lines, now)])].sort();
      const rejection = { reason: 'OUT_OF_STOCK' as const, skus };
      const event = rejectedEvent(orderId, rejection, eventId);
      if (!(await this.reservations.finish(orderId, from, { status: 'REJECTED', rejection, currency }, event)))
        return this.execute(command);
      await this.publisher.publish([event]);
      this.logger.log(`order ${orderId}: rejected, short of ${skus.join(', ')}`);
      return;
    }

    const event = reservedEvent(orderId, result.lines, result.total, currency, eventId);
    // Another delivery of this event recorded the outcome first: decided, as above.
    if (
      !(await this.reservations.finish(orderId, from, { status: 'RESERVED', lines: result.lines, total: result.total, currency }, event))
    ) {
      return this.execute(command);
    }
    this.metrics.unitsReserved(lines.reduce((n, line) => n + line.quantity, 0));
    await Promise.all([this.publisher.publish([event]), this.dropTakeHolds(command, lines)]);
    this.logger.log(`order ${orderId}: reserved ${lines.length} lines, total ${result.total}`);
  }

  /**
   * The outcome is recorded: the reservation document now answers redeliveries, so the
   * products need not keep this order's holds. They are dropped with the next take of each
   * product, and the event is committed once they are, without holding up the partition.
   */
  private async dropTakeHolds(command: ReserveCommand, lines: readonly Line[]): Promise<void> {
    const dropped = this.products.dropTakeHoldsLater(command.orderId, lines);
    if (command.settleLater) command.settleLater(dropped);
    else await dropped;
  }
}
