/**
 * The formats of the ids every service reads from requests and events. One definition, so a
 * customer id that order-api accepts is one points-service and notification-service accept.
 */

/** Any RFC 9562 UUID, in its canonical hyphenated form. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Order ids are UUIDs. Services use them as document ids and as map keys
 * (`holds.<orderId>`, `awards.<orderId>`), which is safe only because a UUID has no `.` or `$`.
 */
export const ORDER_ID = UUID;

export const CUSTOMER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
export const CUSTOMER_ID_MESSAGE = 'customerId must be 1-64 letters, digits, _ . : or -';

export const SKU = /^[A-Za-z0-9_.-]{1,64}$/;
export const SKU_MESSAGE = 'sku must be 1-64 letters, digits, _ . or -';

export const isOrderId = (value: string): boolean => ORDER_ID.test(value);
export const isCustomerId = (value: string): boolean => CUSTOMER_ID.test(value);
export const isSku = (value: string): boolean => SKU.test(value);
