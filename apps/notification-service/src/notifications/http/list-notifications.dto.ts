import { ApiPropertyOptional } from '@nestjs/swagger';
import { CUSTOMER_ID, CUSTOMER_ID_MESSAGE } from '@orderflow/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export class ListNotificationsDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the notifications about this order' })
  @IsOptional()
  @IsUUID('all', { message: 'orderId must be a UUID' })
  orderId?: string;

  @ApiPropertyOptional({ pattern: CUSTOMER_ID.source, description: 'only the notifications to this customer' })
  @IsOptional()
  @Matches(CUSTOMER_ID, { message: CUSTOMER_ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 100, description: 'at most this many, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit = 100;
}
