/**
 * True for a write refused by a unique index (MongoDB error 11000). Inserting with a
 * deterministic `_id` and treating this as "already there" is how the services make a
 * create idempotent without reading first.
 */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}
