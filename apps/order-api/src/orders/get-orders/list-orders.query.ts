import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '@orderflow/rest';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { OrderStatus } from '../domain/order';
import { CUSTOMER_ID } from '../place-order/place-order.dto';

export class ListOrdersQuery extends PageQuery {
  @ApiPropertyOptional({ pattern: CUSTOMER_ID.source, description: 'only this customer\'s orders' })
  @IsOptional()
  @Matches(CUSTOMER_ID, { message: 'customerId must be 1-64 letters, digits, _ . : or -' })
  customerId?: string;

  @ApiPropertyOptional({ enum: ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] })
  @IsOptional()
  @IsIn(['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'])
  status?: OrderStatus;
}
