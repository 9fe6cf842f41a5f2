import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class PutProductDto {
  @ApiProperty({ example: 'Mug', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 1_000_000_000,
    example: 1250,
    description: 'price of one unit in minor units (cents)',
  })
  @IsInt({ message: 'price must be a whole number of minor units' })
  @Min(0)
  @Max(1_000_000_000)
  price!: number;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1_000_000_000, example: 10, description: 'units available to reserve' })
  @IsInt({ message: 'stock must be a whole number' })
  @Min(0)
  @Max(1_000_000_000)
  stock!: number;
}
