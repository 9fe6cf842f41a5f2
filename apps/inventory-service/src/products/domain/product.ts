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

/** Errors with a stable code; the HTTP edge maps each code to a status once. */
export class ProductError extends Error {
  constructor(
    readonly code: 'PRODUCT_NOT_FOUND' | 'INSUFFICIENT_STOCK',
    message: string,
  ) {
    super(message);
    this.name = 'ProductError';
  }
}

export function productNotFound(sku: string): ProductError {
  return new ProductError('PRODUCT_NOT_FOUND', `product ${sku} does not exist`);
}
