import type { NotificationKind } from './notification';

/** What a sender needs to deliver one notification. */
export interface OutgoingNotification {
  id: string;
  orderId: string;
  customerId: string;
  kind: NotificationKind;
  channel: string;
  message: string;
}

/**
 * The port every delivery channel implements. `send` resolves once the channel accepted
 * the message and rejects (preferably with a `SendError`) when it did not; retrying is the
 * dispatcher's job, so an adapter makes exactly one attempt per call.
 */
export abstract class NotificationSender {
  /** Shown in logs, e.g. `log` or `webhook`. */
  abstract readonly name: string;

  abstract send(notification: OutgoingNotification): Promise<void>;
}

/** A failed delivery attempt; `retryable: false` means another attempt cannot succeed. */
export class SendError extends Error {
  readonly code = 'SEND_FAILED';

  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SendError';
  }
}
