import type { OrderError } from '../domain/order';

/** The HTTP status of each domain error code, for the problem+json filter (mapped once, here at the edge). */
export const ORDER_ERROR_STATUSES = {
  ORDER_NOT_FOUND: 404,
  ORDER_NOT_CANCELLABLE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
} as const satisfies Record<OrderError['code'], number>;
