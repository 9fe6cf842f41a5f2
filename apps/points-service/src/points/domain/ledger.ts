/**
 * A customer's points ledger as the domain sees it: plain data, no framework. The balance
 * is always the sum of the entries' signed points (a reversal is negative).
 */
export type EntryType = 'AWARD' | 'REVERSAL';

export interface LedgerEntry {
  orderId: string;
  /** Signed: positive for an award, negative for a reversal. */
  points: number;
  type: EntryType;
  at: Date;
}

export interface Ledger {
  customerId: string;
  balance: number;
  /** Oldest first. */
  entries: LedgerEntry[];
}

/** What the ledger knows about one order: the per-order markers its decisions rest on. */
export interface OrderMarkers {
  /** Points awarded for the order; `null` if none were. */
  awarded: number | null;
  /** Points reversed when the order was cancelled (0 if nothing had been awarded); `null` if no cancel was seen. */
  cancelled: number | null;
}

/** A customer nobody has awarded anything yet: balance 0, no entries. */
export function emptyLedger(customerId: string): Ledger {
  return { customerId, balance: 0, entries: [] };
}

export function balanceOf(entries: readonly LedgerEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.points, 0);
}
