import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Caller, type Principal } from '@orderflow/auth';
import { ApiProblems } from '@orderflow/rest';
import { NotificationRepository } from '../notification.repository';
import { NotificationListResponse, toNotificationResponse } from '../notification.response';
import { ListNotificationsQuery } from './list-notifications.query';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly access: Access,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Notifications', description: "A customer's own (another customer's need the staff read scope)." })
  @ApiOkResponse({ type: NotificationListResponse, description: 'newest first; filters combine' })
  @ApiProblems([403], { 403: 'customerId names another customer and the token lacks the staff read scope.' })
  async list(@Caller() caller: Principal, @Query() query: ListNotificationsQuery): Promise<NotificationListResponse> {
    if (query.customerId !== undefined) this.access.assertMayRead(caller, query.customerId);
    // A customer sees only their own: without a customer filter theirs is added, so asking
    // by another customer's order id finds nothing rather than telling that it exists.
    const customerId = query.customerId ?? (this.access.policy.mayReadAnyone(caller) ? undefined : caller.customerId ?? undefined);
    const notifications = await this.notifications.list({ orderId: query.orderId, customerId, limit: query.limit });
    return { items: notifications.map(toNotificationResponse) };
  }
}
