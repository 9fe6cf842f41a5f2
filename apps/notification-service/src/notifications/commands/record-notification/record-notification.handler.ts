import { Injectable, Logger } from '@nestjs/common';
import { PermanentEventError, requireCustomerId, requireOrderId } from '@orderflow/messaging';
import { newNotification } from '../../domain/notification';
import { renderNotification, type NotificationFacts } from '../../domain/notification.templates';
import { NotificationDispatcher } from '../../dispatch/notification.dispatcher';
import { NotificationRepository } from '../../persistence/notification.repository';

export interface RecordNotificationCommand {
  customerId: string;
  facts: NotificationFacts;
  /** The event that asks for the notification. */
  eventId: string;
}

/**
 * Records the notification an event asks for, rendered, with its first attempt to send it
 * (the dispatcher's `deliver`): one write, once the channel answered, or PENDING if it is
 * slow to. The document's key is the order and kind, so a redelivered or replayed event
 * finds it there and changes nothing; it is looked for before sending, so it is not sent
 * again either.
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
    if ((await this.notifications.exists(facts.orderId, facts.kind)) || !(await this.dispatcher.deliver(notification))) {
      this.logger.log(`order ${facts.orderId}: ${facts.kind} already recorded; event ${eventId} changes nothing`);
      return;
    }
    this.logger.log(`order ${facts.orderId}: ${facts.kind} notification ${notification.id} recorded (event ${eventId})`);
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
