import { isCustomerId, isOrderId } from '@orderflow/contracts';
import { PermanentEventError } from './permanent.error';

/*
 * decodeEvent checks the envelope and that the body decodes, not the formats of the body's
 * fields. Consumers store ids from the body as document ids and map keys; one outside its
 * format can never be stored, however often it is retried, so these checks fail permanently
 * and the event is dead-lettered.
 */

/** The event's order id, if it is one (a UUID). */
export function requireOrderId(orderId: string): string {
  if (!isOrderId(orderId)) throw new PermanentEventError('INVALID_ORDER_ID', `order id "${orderId}" is not a UUID`);
  return orderId;
}

/** The event's customer id, if it is one. */
export function requireCustomerId(customerId: string, orderId: string): string {
  if (!isCustomerId(customerId)) {
    throw new PermanentEventError('INVALID_CUSTOMER_ID', `customer id "${customerId}" of order ${orderId} is not valid`);
  }
  return customerId;
}
