import { createHash } from 'node:crypto';
import { nameBasedUuid } from '@orderflow/contracts';

/** 1–128 visible ASCII characters (SPEC). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,128}$/;

// A fixed namespace, so the same key always names the same order.
const NAMESPACE = '7b0c3a1e-4f5d-4c2a-9e8b-6d5f4a3c2b1e';

/**
 * The order id for a caller's idempotency key: a name-based UUID (version 5, RFC 9562). Two
 * requests with one key race for one document id, so the unique `_id` index settles the
 * race in a single insert — no check-then-insert, no second collection to keep in step.
 * Keys are scoped to the caller, as payment APIs do: the same key from two customers names
 * two orders, so nobody learns whether someone else used a key.
 */
export function orderIdForKey(caller: string, key: string): string {
  // The caller's length goes first so that ("ab", "c") and ("a", "bc") never share a name.
  return nameBasedUuid(NAMESPACE, `${caller.length}:${caller}:${key}`);
}

/** What makes two requests "the same body": the validated order, in a canonical form. */
export function requestFingerprint(request: { customerId: string; items: { sku: string; quantity: number }[] }): string {
  const canonical = JSON.stringify([request.customerId, request.items.map((item) => [item.sku, item.quantity])]);
  return createHash('sha256').update(canonical).digest('hex');
}
