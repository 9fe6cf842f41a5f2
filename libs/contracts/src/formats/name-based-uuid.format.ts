import { createHash } from 'node:crypto';
import { UUID } from './ids.format';

/**
 * A name-based UUID (RFC 9562, version 5): SHA-1 of the namespace UUID's 16 bytes and the
 * name's UTF-8, with the version and variant bits set. The same namespace and name always give
 * the same id, on any replica, so a repeated request or event lands on the same document.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new TypeError(`namespace must be a UUID, got "${namespace}"`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
