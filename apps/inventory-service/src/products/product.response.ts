import { ApiProperty } from '@nestjs/swagger';
import type { Product } from './domain/product';

export class ProductResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'minor units' }) price!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty() available!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty() updatedAt!: string;
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
