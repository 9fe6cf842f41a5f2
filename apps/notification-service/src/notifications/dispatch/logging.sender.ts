import { Logger } from '@nestjs/common';
import { NotificationSender, type OutgoingNotification } from '../domain/notification.sender';

/**
 * The default channel where there is no mail server: the message is already recorded with
 * the notification, and this writes it to the log. It never fails.
 */
export class LoggingNotificationSender extends NotificationSender {
  readonly name = 'log';
  private readonly logger = new Logger(LoggingNotificationSender.name);

  async send(notification: OutgoingNotification): Promise<void> {
    this.logger.log(
      `order ${notification.orderId}: ${notification.kind} ${notification.channel} to customer ` +
        `${notification.customerId} (notification ${notification.id}): ${notification.message}`,
    );
  }
}
