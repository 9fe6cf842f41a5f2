import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, type Page } from '@orderflow/rest';
import type { Product } from '../../domain/product';
import { ProductRepository } from '../../persistence/product.repository';

export interface ListProductsQuery {
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

/** `GET /products`: a page of products by SKU. */
@Injectable()
export class ListProductsHandler {
  constructor(private readonly products: ProductRepository) {}

  async execute(query: ListProductsQuery): Promise<Page<Product>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['sku'] as const).sku;
    // One extra tells whether another page follows.
    const products = await this.products.list(after, query.limit + 1);
    const page = products.slice(0, query.limit);
    return {
      items: page,
      nextCursor: products.length > query.limit ? encodeCursor({ sku: page[page.length - 1].sku }) : null,
    };
  }
}
