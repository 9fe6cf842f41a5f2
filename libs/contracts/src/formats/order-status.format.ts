/** An order's states; every order ends in one of the last three. */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];
