import { ApiProperty } from '@nestjs/swagger';
import { SKU } from '@orderflow/contracts';
import type { Product } from '../domain/product';

export class ProductResponse {
  @ApiProperty({ pattern: SKU.source }) sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', description: 'minor units' }) price!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: 'integer' }) available!: number;
  @ApiProperty({ type: 'integer' }) reserved!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ProductPageResponse {
  @ApiProperty({ type: [ProductResponse] }) items!: ProductResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export function toProductResponse(product: Product): ProductResponse {
  return {
    sku: product.sku,
    name: product.name,
    price: product.price,
    currency: product.currency,
    available: product.available,
    reserved: product.reserved,
    updatedAt: product.updatedAt.toISOString(),
  };
}
