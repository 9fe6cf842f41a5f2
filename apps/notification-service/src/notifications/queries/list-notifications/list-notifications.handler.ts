import { Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import type { Notification } from '../../domain/notification';
import { NotificationRepository } from '../../persistence/notification.repository';

export interface ListNotificationsQuery {
  orderId?: string;
  customerId?: string;
  limit: number;
}

/** `GET /notifications`: newest first, of the customers the caller may see; filters combine. */
@Injectable()
export class ListNotificationsHandler {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly access: Access,
  ) {}

  async execute(caller: Principal, query: ListNotificationsQuery): Promise<Notification[]> {
    if (query.customerId !== undefined) this.access.assertMayRead(caller, query.customerId);
    // A customer sees only their own: without a customer filter theirs is added, so asking
    // by another customer's order id finds nothing rather than telling that it exists.
    const customerId = query.customerId ?? (this.access.policy.mayReadAnyone(caller) ? undefined : (caller.customerId ?? undefined));
    return this.notifications.list({ orderId: query.orderId, customerId, limit: query.limit });
  }
}
