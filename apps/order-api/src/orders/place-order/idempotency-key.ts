import { createHash } from 'node:crypto';

/** 1–128 visible ASCII characters (SPEC). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,128}$/;

// A fixed namespace, so the same key always names the same order.
const NAMESPACE = Buffer.from('7b0c3a1e4f5d4c2a9e8b6d5f4a3c2b1e', 'hex');

/**
 * The order id for a caller's idempotency key: a name-based UUID (version 5, RFC 9562). Two
 * requests with one key race for one document id, so the unique `_id` index settles the
 * race in a single insert — no check-then-insert, no second collection to keep in step.
 * Keys are scoped to the caller, as payment APIs do: the same key from two customers names
 * two orders, so nobody learns whether someone else used a key.
 */
export function orderIdForKey(caller: string, key: string): string {
  // The caller's length goes first so that ("ab", "c") and ("a", "bc") never share a name.
  const hash = createHash('sha1').update(NAMESPACE).update(`${caller.length}:${caller}:`, 'utf8').update(key, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What makes two requests "the same body": the validated order, in a canonical form. */
export function requestFingerprint(request: { customerId: string; items: { sku: string; quantity: number }[] }): string {
  const canonical = JSON.stringify([request.customerId, request.items.map((item) => [item.sku, item.quantity])]);
  return createHash('sha256').update(canonical).digest('hex');
}
