import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';

export class StockAdjustmentDto {
  @ApiProperty({
    type: 'integer',
    minimum: -1_000_000_000,
    maximum: 1_000_000_000,
    not: { enum: [0] },
    example: 5,
    description: 'units to add (negative to remove), never 0',
  })
  @IsInt({ message: 'delta must be a whole number' })
  @NotEquals(0)
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  delta!: number;

  @ApiProperty({ example: 'restock', minLength: 1, maxLength: 200, description: 'why; kept with the product as its last adjustment' })
  @IsString()
  @Length(1, 200)
  reason!: string;
}
