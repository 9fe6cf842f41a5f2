import { Module } from '@nestjs/common';
import { DirectPublisher } from '@orderflow/messaging';
import { MongooseModule } from '@nestjs/mongoose';
import { Registry } from 'prom-client';
import { NotificationEnv } from '../config/notification-env.config';
import { RecordNotificationHandler } from './commands/record-notification/record-notification.handler';
import { OrderEventsConsumer } from './consumers/order-events.consumer';
import { PointsEventsConsumer } from './consumers/points-events.consumer';
import { LoggingNotificationSender } from './dispatch/logging.sender';
import { NotificationDispatcher } from './dispatch/notification.dispatcher';
import { WebhookNotificationSender } from './dispatch/webhook.sender';
import { NotificationSender } from './domain/notification.sender';
import { NotificationsController } from './http/notifications.controller';
import { NotificationMetrics } from './notification.metrics';
import { NOTIFICATION_MODEL, NotificationSchema } from './persistence/notification.schema';
import { NotificationRepository } from './persistence/notification.repository';
import { ListNotificationsHandler } from './queries/list-notifications/list-notifications.handler';

// The longest a graceful shutdown waits for sends in flight; what is cut short is resent later.
const SHUTDOWN_GRACE_MS = 5_000;
// A claimed attempt outlives its longest send by this much before another may take it over.
const LEASE_MARGIN_MS = 10_000;
// How long consuming waits for a new notification's first attempt before storing it PENDING.
const FIRST_ATTEMPT_WAIT_MS = 1_000;

@Module({
  imports: [MongooseModule.forFeature([{ name: NOTIFICATION_MODEL, schema: NotificationSchema }])],
  controllers: [NotificationsController, OrderEventsConsumer, PointsEventsConsumer],
  providers: [
    NotificationRepository,
    RecordNotificationHandler,
    ListNotificationsHandler,
    {
      // The channel: a webhook when one is configured, otherwise record and log.
      provide: NotificationSender,
      inject: [NotificationEnv],
      useFactory: (env: NotificationEnv): NotificationSender =>
        env.NOTIFICATION_WEBHOOK_URL
          ? new WebhookNotificationSender({
              url: env.NOTIFICATION_WEBHOOK_URL,
              timeoutMs: env.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
              secret: env.NOTIFICATION_WEBHOOK_SECRET as string,
            })
          : new LoggingNotificationSender(),
    },
    { provide: NotificationMetrics, inject: [Registry], useFactory: (registry: Registry) => new NotificationMetrics(registry) },
    {
      provide: NotificationDispatcher,
      inject: [NotificationRepository, NotificationSender, NotificationEnv, NotificationMetrics, DirectPublisher],
      useFactory: (
        repository: NotificationRepository,
        sender: NotificationSender,
        env: NotificationEnv,
        metrics: NotificationMetrics,
        publisher: DirectPublisher,
      ) =>
        new NotificationDispatcher(
          repository,
          sender,
          {
            policy: {
              maxAttempts: env.NOTIFICATION_MAX_ATTEMPTS,
              initialDelayMs: env.NOTIFICATION_RETRY_INITIAL_MS,
              maxDelayMs: env.NOTIFICATION_RETRY_MAX_MS,
            },
            pollIntervalMs: env.NOTIFICATION_POLL_INTERVAL_MS,
            concurrency: env.NOTIFICATION_SEND_CONCURRENCY,
            leaseMs: env.NOTIFICATION_WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS,
            shutdownGraceMs: SHUTDOWN_GRACE_MS,
            firstAttemptWaitMs: FIRST_ATTEMPT_WAIT_MS,
          },
          metrics,
          publisher,
        ),
    },
  ],
})
export class NotificationsModule {}
