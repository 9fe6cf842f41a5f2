import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_ID, CUSTOMER_ID_MESSAGE, SKU, SKU_MESSAGE } from '@orderflow/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
  type ValidationArguments,
  registerDecorator,
} from 'class-validator';

export class OrderLineDto {
  @ApiProperty({ example: 'SKU-1', pattern: SKU.source })
  @IsString()
  @Matches(SKU, { message: SKU_MESSAGE })
  sku!: string;

  @ApiProperty({ type: 'integer', example: 2, minimum: 1, maximum: 1000 })
  @IsInt({ message: 'quantity must be a whole number' })
  @Min(1)
  @Max(1000)
  quantity!: number;
}

export class PlaceOrderDto {
  @ApiProperty({ example: 'c-1', pattern: CUSTOMER_ID.source, description: 'the customer the access token names' })
  @IsString()
  @Matches(CUSTOMER_ID, { message: CUSTOMER_ID_MESSAGE })
  customerId!: string;

  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: 50, description: 'distinct SKUs' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @DistinctSkus()
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items!: OrderLineDto[];
}

function DistinctSkus(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'distinctSkus',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (items: unknown) =>
          !Array.isArray(items) || new Set(items.map((item) => (item as OrderLineDto)?.sku)).size === items.length,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must not repeat a sku`,
      },
    });
}
