import { Injectable, Logger } from '@nestjs/common';
import { announcedFor, DirectPublisher } from '@orderflow/messaging';
import type { StoredMessage } from '@orderflow/persistence';
import type { OrderMarkers } from '../../domain/ledger';
import { awardEntry, decideAward, pointsFor } from '../../domain/points.rules';
import { LedgerRepository } from '../../persistence/ledger.repository';
import { awardedEvent } from '../../points.events';
import { PointsMetrics } from '../../points.metrics';

export interface AwardCommand {
  customerId: string;
  orderId: string;
  /** The confirmed total in minor units of `currency`. */
  total: bigint;
  currency: string;
  /** The OrderConfirmed event this answers. */
  eventId: string;
}

/**
 * Credits a confirmed order's points, at most once per order and never after its cancel:
 * read the order's markers, decide, then write entry, balance, marker and PointsAwarded in
 * one update conditional on those markers, and publish PointsAwarded. A redelivery, or a
 * concurrent delivery that lost the race, finds the marker, changes nothing and publishes
 * again what this event's award announced (`announcedFor`).
 */
@Injectable()
export class AwardPointsHandler {
  private readonly logger = new Logger(AwardPointsHandler.name);

  constructor(
    private readonly ledgers: LedgerRepository,
    private readonly metrics: PointsMetrics,
    private readonly publisher: DirectPublisher,
  ) {}

  async execute(command: AwardCommand): Promise<void> {
    const { customerId, orderId, eventId } = command;
    const points = pointsFor(command.total);
    // The first delivery finds the order untouched, so it writes straight away; the write's
    // condition is "untouched", and only if that fails are the markers read to decide again.
    let markers: OrderMarkers = UNTOUCHED;
    let announced: StoredMessage[] = [];
    for (;;) {
      const decision = decideAward(markers, points);
      if (decision.action === 'none') {
        // A crash may have come between this event's award and its publishing.
        await this.publisher.publish(announcedFor(announced, eventId));
        this.logger.log(`order ${orderId}: no points awarded (${decision.reason}) for event ${eventId}`);
        return;
      }
      const at = new Date();
      const event = awardedEvent({ customerId, orderId, points, orderTotal: command.total, currency: command.currency, at }, eventId);
      if (await this.ledgers.award(customerId, awardEntry(orderId, points, at), event)) {
        this.metrics.pointsAwarded(points);
        await this.publisher.publish([event]);
        this.logger.log(`order ${orderId}: awarded ${points} points to ${customerId} (${event.type} ${event.eventId}, cause ${eventId})`);
        return;
      }
      ({ markers, announced } = await this.ledgers.markers(orderId));
    }
  }
}

const UNTOUCHED: OrderMarkers = { awarded: null, cancelled: null };
