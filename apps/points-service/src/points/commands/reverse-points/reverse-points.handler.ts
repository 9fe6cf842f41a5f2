import { Injectable, Logger } from '@nestjs/common';
import { announcedFor, DirectPublisher } from '@orderflow/messaging';
import { decideCancel, reversalEntry } from '../../domain/points.rules';
import { LedgerRepository } from '../../persistence/ledger.repository';
import { reversedEvent } from '../../points.events';
import { PointsMetrics } from '../../points.metrics';

export interface ReverseCommand {
  customerId: string;
  orderId: string;
  /** The OrderCancelled event this answers. */
  eventId: string;
}

/**
 * Takes back exactly what a cancelled order was awarded, at most once. If nothing was
 * awarded, the cancel only leaves its marker on the ledger so that an award arriving
 * later is refused. Each outcome is one update conditional on the order's markers; a
 * reversal then publishes PointsReversed, and a redelivery publishes it again.
 */
@Injectable()
export class ReversePointsHandler {
  private readonly logger = new Logger(ReversePointsHandler.name);

  constructor(
    private readonly ledgers: LedgerRepository,
    private readonly metrics: PointsMetrics,
    private readonly publisher: DirectPublisher,
  ) {}

  async execute(command: ReverseCommand): Promise<void> {
    const { customerId, orderId, eventId } = command;
    for (;;) {
      const { markers, announced } = await this.ledgers.markers(orderId);
      const decision = decideCancel(markers);
      const at = new Date();
      switch (decision.action) {
        case 'none':
          // A crash may have come between this event's reversal and its publishing.
          await this.publisher.publish(announcedFor(announced, eventId));
          this.logger.log(`order ${orderId}: nothing to reverse (${decision.reason}) for event ${eventId}`);
          return;
        case 'mark-cancelled':
          if (await this.ledgers.markCancelled(customerId, orderId, at)) {
            this.logger.log(`order ${orderId}: cancelled before any award; nothing to reverse (event ${eventId})`);
            return;
          }
          break;
        case 'reverse': {
          const { points } = decision;
          const event = reversedEvent({ customerId, orderId, points, at }, eventId);
          if (await this.ledgers.reverse(reversalEntry(orderId, points, at), points, event)) {
            this.metrics.pointsReversed(points);
            await this.publisher.publish([event]);
            this.logger.log(
              `order ${orderId}: reversed ${points} points of ${customerId} (${event.type} ${event.eventId}, cause ${eventId})`,
            );
            return;
          }
          break;
        }
      }
    }
  }
}
