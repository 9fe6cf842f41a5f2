import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotificationRepository } from '../notification.repository';
import { NotificationListResponse, toNotificationResponse } from '../notification.response';
import { ListNotificationsQuery } from './list-notifications.query';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationRepository) {}

  @Get()
  @ApiOkResponse({ type: NotificationListResponse, description: 'newest first; filters combine' })
  async list(@Query() query: ListNotificationsQuery): Promise<NotificationListResponse> {
    const notifications = await this.notifications.list({ orderId: query.orderId, customerId: query.customerId, limit: query.limit });
    return { items: notifications.map(toNotificationResponse) };
  }
}
