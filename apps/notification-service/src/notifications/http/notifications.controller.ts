import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, type Principal } from '@orderflow/auth';
import { ApiProblems } from '@orderflow/rest';
import { ListNotificationsHandler } from '../queries/list-notifications/list-notifications.handler';
import { ListNotificationsDto } from './list-notifications.dto';
import { NotificationListResponse, toNotificationResponse } from './notification.response';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly listNotifications: ListNotificationsHandler) {}

  @Get()
  @ApiOperation({ summary: 'Notifications', description: "A customer's own (another customer's need the staff read scope)." })
  @ApiOkResponse({ type: NotificationListResponse, description: 'newest first; filters combine' })
  @ApiProblems([403], { 403: 'customerId names another customer and the token lacks the staff read scope.' })
  async list(@Caller() caller: Principal, @Query() query: ListNotificationsDto): Promise<NotificationListResponse> {
    return { items: (await this.listNotifications.execute(caller, query)).map(toNotificationResponse) };
  }
}
