import { Injectable } from '@nestjs/common';
import { ProductError, productNotFound } from '../../domain/product';
import { ProductRepository } from '../../persistence/product.repository';

export interface AdjustStockCommand {
  /** Units to add, negative to remove. */
  delta: number;
  reason: string;
}

/** `POST /products/{sku}/stock-adjustments`: adds or removes stock, never below zero available. */
@Injectable()
export class AdjustStockHandler {
  constructor(private readonly products: ProductRepository) {}

  async execute(sku: string, command: AdjustStockCommand): Promise<void> {
    if (await this.products.adjust(sku, command.delta, command.reason)) return;
    const product = await this.products.find(sku);
    if (!product) throw productNotFound(sku);
    throw new ProductError(
      'INSUFFICIENT_STOCK',
      `cannot remove ${-command.delta} units of ${sku}: only ${product.available} are available`,
    );
  }
}
