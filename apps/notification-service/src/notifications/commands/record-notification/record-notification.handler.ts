import { Injectable, Logger } from '@nestjs/common';
import { PermanentEventError, requireCustomerId, requireOrderId } from '@orderflow/messaging';
import { newNotification, type Notification } from '../../domain/notification';
import { renderNotification, type NotificationFacts } from '../../domain/notification.templates';
import { NotificationDispatcher } from '../../dispatch/notification.dispatcher';
import { NotificationRepository } from '../../persistence/notification.repository';

export interface RecordNotificationCommand {
  customerId: string;
  facts: NotificationFacts;
  /** The event that asks for the notification. */
  eventId: string;
  /**
   * Where the handler leaves the recording (the consumer's `EventContext.settleLater`, which
   * commits the event only once it is stored): a notification may wait moments for its
   * companion, and the partition goes on meanwhile. Without it, the handler waits.
   */
  settleLater?: (effect: Promise<unknown>) => void;
}

/**
 * Records the notification an event asks for, rendered, with its first attempt to send it
 * (the dispatcher's `deliver`): stored once the channel answered, or PENDING if it is slow
 * to, with its order's other notification of the moment if one comes (one write of the
 * order's document). An order has at most one of each kind, so a redelivered or replayed
 * event finds it there and changes nothing; it is looked for before sending, so it is not
 * sent again either.
 */
@Injectable()
export class RecordNotificationHandler {
  private readonly logger = new Logger(RecordNotificationHandler.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly dispatcher: NotificationDispatcher,
  ) {}

  async execute(command: RecordNotificationCommand): Promise<void> {
    const { facts, customerId, eventId } = command;
    // The order id makes the notification's key and id; the customer is whom it goes to.
    requireCustomerId(customerId, requireOrderId(facts.orderId));
    const notification = newNotification({
      orderId: facts.orderId,
      customerId,
      kind: facts.kind,
      message: render(facts, eventId),
      causationId: eventId,
      at: new Date(),
    });
    const recorded = this.record(notification, eventId);
    if (command.settleLater) command.settleLater(recorded);
    else await recorded;
  }

  private async record(notification: Notification, eventId: string): Promise<void> {
    const { orderId, kind } = notification;
    if ((await this.notifications.exists(orderId, kind)) || !(await this.dispatcher.deliver(notification))) {
      this.logger.log(`order ${orderId}: ${kind} already recorded; event ${eventId} changes nothing`);
      return;
    }
    this.logger.log(`order ${orderId}: ${kind} notification ${notification.id} recorded (event ${eventId})`);
  }
}

/** Rendering is pure: if it throws for an event, it always will, so the event is parked, not retried. */
function render(facts: NotificationFacts, eventId: string): string {
  try {
    return renderNotification(facts);
  } catch (error) {
    throw new PermanentEventError('UNRENDERABLE_NOTIFICATION', `event ${eventId}: ${(error as Error).message}`);
  }
}
