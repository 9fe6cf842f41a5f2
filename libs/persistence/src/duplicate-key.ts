/**
 * True for a write refused by a unique index (MongoDB error 11000). Inserting with a
 * deterministic `_id` and treating this as "already there" is how the services make a
 * create idempotent without reading first.
 */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

interface WriteError {
  index?: number;
  code?: number;
  err?: { index?: number; code?: number };
}

/**
 * The positions of an unordered bulk insert's documents that were there already, read from
 * the error the insert failed with; throws that error again unless it is made of duplicate
 * keys only. The driver reports any failure of a bulk write — a connection lost, no server
 * to send it to — as a bulk write error too, with an empty list of write errors: that says
 * nothing about any document, least of all that the others were written.
 */
export function duplicatesOf(error: unknown): Set<number> {
  const writeErrors = (error as { writeErrors?: WriteError[] } | null)?.writeErrors ?? [];
  if (writeErrors.length === 0) throw error;
  const duplicates = new Set<number>();
  for (const writeError of writeErrors) {
    const index = writeError.index ?? writeError.err?.index;
    if (index === undefined || !isDuplicateKey({ code: writeError.code ?? writeError.err?.code })) throw error;
    duplicates.add(index);
  }
  return duplicates;
}
