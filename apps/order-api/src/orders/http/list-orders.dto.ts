import { ApiPropertyOptional } from '@nestjs/swagger';
import { CUSTOMER_ID, CUSTOMER_ID_MESSAGE, ORDER_STATUSES, type OrderStatus } from '@orderflow/contracts';
import { PageQuery } from '@orderflow/rest';
import { IsIn, IsOptional, Matches } from 'class-validator';

export class ListOrdersDto extends PageQuery {
  @ApiPropertyOptional({ pattern: CUSTOMER_ID.source, description: "only this customer's orders" })
  @IsOptional()
  @Matches(CUSTOMER_ID, { message: CUSTOMER_ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}
