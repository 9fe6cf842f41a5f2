import { BadRequestException } from '@nestjs/common';

/**
 * Opaque page cursors: the sort key of the last item of a page, base64url-encoded JSON.
 * Clients pass them back unchanged; anything else is a 400, never a 500.
 */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<K extends string>(cursor: string, keys: readonly K[]): Record<K, string> {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (keys.every((key) => typeof position[key] === 'string')) return position as Record<K, string>;
  } catch {
    // fall through
  }
  throw new BadRequestException('cursor is not one this API handed out');
}

/** A page of a list answer, as every list endpoint returns it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
