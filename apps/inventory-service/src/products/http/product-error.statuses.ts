import type { ProductError } from '../domain/product';

/** The HTTP status of each domain error code, for the problem+json filter (mapped once, here at the edge). */
export const PRODUCT_ERROR_STATUSES = {
  PRODUCT_NOT_FOUND: 404,
  INSUFFICIENT_STOCK: 409,
} as const satisfies Record<ProductError['code'], number>;
