import { Injectable } from '@nestjs/common';
import { productNotFound, type Product } from '../../domain/product';
import { ProductRepository } from '../../persistence/product.repository';

/** `GET /products/{sku}`, and the answer of the writes to a product. */
@Injectable()
export class GetProductHandler {
  constructor(private readonly products: ProductRepository) {}

  async execute(sku: string): Promise<Product> {
    const product = await this.products.find(sku);
    if (!product) throw productNotFound(sku);
    return product;
  }
}
