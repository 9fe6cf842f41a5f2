import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { OrderStatus } from '../domain/order';
import { CUSTOMER_ID } from '../place-order/place-order.dto';

export class ListOrdersQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CUSTOMER_ID, { message: 'customerId must be 1-64 letters, digits, _ . : or -' })
  customerId?: string;

  @ApiPropertyOptional({ enum: ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] })
  @IsOptional()
  @IsIn(['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'])
  status?: OrderStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}
