import { createHmac } from 'node:crypto';
import { webhookSecretBytes } from '../../config/notification-env.config';
import { NotificationSender, SendError, type OutgoingNotification } from '../domain/notification.sender';

export interface WebhookOptions {
  url: string;
  /** How long one POST may take before the attempt counts as failed. */
  timeoutMs: number;
  /** The Standard Webhooks signing secret, `whsec_<base64>`. */
  secret: string;
}

/** Of an answer's body, which is never used, at most this much is read before it is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Delivers a notification as an HTTP POST of JSON, the way a real channel (a mail or push
 * provider, a customer-facing gateway) plugs in. One attempt per call; the dispatcher
 * retries. The notification id travels as `Idempotency-Key` and `webhook-id`, so the
 * receiver can drop the duplicate a retry after a lost answer would produce.
 *
 * Each request is signed as Standard Webhooks specify (HMAC-SHA256 over id, timestamp and
 * body in `webhook-signature`), so the receiver can refuse anything we did not send. A
 * redirect is not followed: the signed message goes to the configured address or nowhere.
 *
 * A 2xx answer is success. Timeouts, network errors, 408, 429 and 5xx may pass and are
 * retried; any other answer means the receiver refuses this message, so it is not.
 */
export class WebhookNotificationSender extends NotificationSender {
  readonly name = 'webhook';
  private readonly key: Buffer;

  constructor(private readonly options: WebhookOptions) {
    super();
    const key = webhookSecretBytes(options.secret);
    if (!key) throw new Error('the webhook secret must be whsec_ followed by the base64 of 24 to 64 bytes');
    this.key = key;
  }

  async send(notification: OutgoingNotification): Promise<void> {
    const body = JSON.stringify({
      id: notification.id,
      orderId: notification.orderId,
      customerId: notification.customerId,
      kind: notification.kind,
      channel: notification.channel,
      message: notification.message,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.key).update(`${notification.id}.${timestamp}.${body}`).digest('base64');
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': notification.id,
          'webhook-id': notification.id,
          'webhook-timestamp': timestamp,
          'webhook-signature': `v1,${signature}`,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new SendError(describe(error, this.options.timeoutMs), true);
    }
    await dropAnswer(response);
    if (response.ok) return;
    const status = response.status;
    const answered = `webhook answered ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (status >= 300 && status < 400) throw new SendError(`${answered}; redirects are not followed`, false);
    const retryable = status === 408 || status === 429 || status >= 500;
    throw new SendError(answered, retryable);
  }
}

/** Reads a little of the answer, so a short one leaves the connection reusable, and drops the rest. */
async function dropAnswer(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (let read = 0; read <= MAX_ANSWER_BYTES; ) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // An answer cut short changes nothing: the status decided already.
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `webhook did not answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `webhook unreachable: ${cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)}`;
}
