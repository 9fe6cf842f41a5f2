import { Injectable } from '@nestjs/common';
import { ProductRepository } from '../../persistence/product.repository';
import { InventoryEnv } from '../../../config/inventory-env.config';

export interface PutProductCommand {
  name: string;
  price: number;
  /** Units available to reserve. */
  stock: number;
}

/** `PUT /products/{sku}`: creates the product or replaces its name, price and stock. */
@Injectable()
export class PutProductHandler {
  constructor(
    private readonly products: ProductRepository,
    private readonly env: InventoryEnv,
  ) {}

  /** `true` if the product was created, `false` if an existing one was replaced. */
  execute(sku: string, command: PutProductCommand): Promise<boolean> {
    return this.products.upsert(sku, { name: command.name, price: command.price, currency: this.env.CURRENCY, available: command.stock });
  }
}
