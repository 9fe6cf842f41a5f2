/** A product as the domain sees it; money in minor units of `currency`. */
export interface Product {
  sku: string;
  name: string;
  price: number;
  currency: string;
  /** Units free to reserve. */
  available: number;
  /** Units held by reservations. */
  reserved: number;
  updatedAt: Date;
}

export class ProductError extends Error {
  constructor(
    readonly code: 'PRODUCT_NOT_FOUND' | 'INSUFFICIENT_STOCK',
    message: string,
  ) {
    super(message);
    this.name = 'ProductError';
  }
}

export const PRODUCT_ERROR_STATUSES = {
  PRODUCT_NOT_FOUND: 404,
  INSUFFICIENT_STOCK: 409,
} as const satisfies Record<ProductError['code'], number>;
