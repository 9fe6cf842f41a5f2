import { NotificationSender, SendError, type OutgoingNotification } from '../domain/notification.sender';

export interface WebhookOptions {
  url: string;
  /** How long one POST may take before the attempt counts as failed. */
  timeoutMs: number;
}

/**
 * Delivers a notification as an HTTP POST of JSON, the way a real channel (a mail or push
 * provider, a customer-facing gateway) plugs in. One attempt per call; the dispatcher
 * retries. The notification id travels as `Idempotency-Key`, so the receiver can drop the
 * duplicate a retry after a lost answer would produce.
 *
 * A 2xx answer is success. Timeouts, network errors, 408, 429 and 5xx may pass and are
 * retried; any other answer means the receiver refuses this message, so it is not.
 */
export class WebhookNotificationSender extends NotificationSender {
  readonly name = 'webhook';

  constructor(private readonly options: WebhookOptions) {
    super();
  }

  async send(notification: OutgoingNotification): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': notification.id },
        body: JSON.stringify({
          id: notification.id,
          orderId: notification.orderId,
          customerId: notification.customerId,
          kind: notification.kind,
          channel: notification.channel,
          message: notification.message,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new SendError(describe(error, this.options.timeoutMs), true);
    }
    // The body is not used; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const status = response.status;
    const retryable = status === 408 || status === 429 || status >= 500;
    throw new SendError(`webhook answered ${status}${response.statusText ? ` ${response.statusText}` : ''}`, retryable);
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `webhook did not answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `webhook unreachable: ${cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)}`;
}
