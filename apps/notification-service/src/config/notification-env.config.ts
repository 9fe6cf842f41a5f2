import { envInteger } from '@orderflow/config';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUrl, Max, Min, ValidateBy, ValidateIf } from 'class-validator';

const MILLISECONDS = { message: 'must be a whole number of milliseconds' };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Plain http only to this machine: anywhere else the message and its signature travel in the clear. */
const HttpsUnlessLoopback = () =>
  ValidateBy({
    name: 'httpsUnlessLoopback',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !URL.canParse(value)) return true; // IsUrl names it
        const url = new URL(value);
        return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
      },
      defaultMessage: () => 'must be an https:// URL (plain http:// only to localhost, 127.0.0.1 or [::1])',
    },
  });

/** A Standard Webhooks signing secret: `whsec_` and the base64 of 24 to 64 bytes. */
export function webhookSecretBytes(secret: string): Buffer | undefined {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = match ? Buffer.from(match[1], 'base64') : undefined;
  return bytes && bytes.length >= 24 && bytes.length <= 64 ? bytes : undefined;
}

/**
 * The notification service's own variables: how notifications are delivered. Without
 * `NOTIFICATION_WEBHOOK_URL` messages are recorded and logged only.
 */
export class NotificationEnv {
  /** Where each notification is POSTed as JSON; unset (or empty) for the logging sender. */
  @IsOptional()
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http:// or https:// URL' })
  @HttpsUnlessLoopback()
  NOTIFICATION_WEBHOOK_URL?: string;

  /**
   * The key every webhook request is signed with (Standard Webhooks: `webhook-id`,
   * `webhook-timestamp`, `webhook-signature`), so the receiver can tell our messages from
   * anyone else's. Needed with a webhook URL; generate one with
   * `echo whsec_$(openssl rand -base64 32)`.
   */
  @ValidateIf((env: NotificationEnv) => Boolean(env.NOTIFICATION_WEBHOOK_URL))
  @ValidateBy({
    name: 'webhookSecret',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && webhookSecretBytes(value) !== undefined,
      defaultMessage: () => 'must be whsec_ followed by the base64 of 24 to 64 random bytes',
    },
  })
  NOTIFICATION_WEBHOOK_SECRET?: string;

  /** How long one webhook attempt may take before it counts as failed. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt(MILLISECONDS)
  @Min(1, MILLISECONDS)
  NOTIFICATION_WEBHOOK_TIMEOUT_MS = 5_000;

  /** Attempts per notification, the first included, before it ends as FAILED. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number from 1 to 100' })
  @Min(1, { message: 'must be a whole number from 1 to 100' })
  @Max(100, { message: 'must be a whole number from 1 to 100' })
  NOTIFICATION_MAX_ATTEMPTS = 5;

  /** Wait after a notification's first failed attempt; doubles with each further failure. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt(MILLISECONDS)
  @Min(1, MILLISECONDS)
  NOTIFICATION_RETRY_INITIAL_MS = 1_000;

  /** Longest wait between two attempts of one notification. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt(MILLISECONDS)
  @Min(1, MILLISECONDS)
  NOTIFICATION_RETRY_MAX_MS = 60_000;

  /**
   * How often the dispatcher scans for due notifications that it does not know of already:
   * those a crashed or stopped replica left. What it records, and what it retries after a
   * failed attempt, it sends without a scan.
   */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds, at least 10' })
  @Min(10, { message: 'must be a whole number of milliseconds, at least 10' })
  NOTIFICATION_POLL_INTERVAL_MS = 10_000;

  /** Notifications sent side by side, so one slow channel call does not hold up the rest. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number from 1 to 100' })
  @Min(1, { message: 'must be a whole number from 1 to 100' })
  @Max(100, { message: 'must be a whole number from 1 to 100' })
  NOTIFICATION_SEND_CONCURRENCY = 10;
}

/** Everything notification-service reads from its environment besides what runtime reads itself. */
export const NOTIFICATION_SERVICE_CONFIG = [MessagingConfig, MongoConfig, NotificationEnv] as const;
