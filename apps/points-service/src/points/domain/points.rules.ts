/** The points rules: how many points an order earns, and what an order event does to a ledger. Pure functions. */

import type { LedgerEntry, OrderMarkers } from './ledger';

/** Minor units per point: one point per whole currency unit. */
const MINOR_UNITS_PER_POINT = 100n;

export class PointsRuleError extends Error {
  constructor(
    readonly code: 'INVALID_TOTAL',
    message: string,
  ) {
    super(message);
    this.name = 'PointsRuleError';
  }
}

/** `floor(total / 100)` for a confirmed total in minor units; refuses totals no order can have. */
export function pointsFor(total: bigint): number {
  if (total < 0n) throw new PointsRuleError('INVALID_TOTAL', `order total ${total} is negative`);
  const points = total / MINOR_UNITS_PER_POINT; // bigint division truncates: floor for non-negative totals
  if (points > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PointsRuleError('INVALID_TOTAL', `order total ${total} is too large to award points for`);
  }
  return Number(points);
}

export type AwardDecision = { action: 'award'; points: number } | { action: 'none'; reason: string };

/**
 * An order's points are awarded at most once, and never after the order was cancelled
 * (a cancel that got there first has nothing to reverse, so the award must not stick).
 */
export function decideAward(markers: OrderMarkers, points: number): AwardDecision {
  if (markers.awarded !== null) return { action: 'none', reason: `already awarded ${markers.awarded} points` };
  if (markers.cancelled !== null) return { action: 'none', reason: 'the order was cancelled before it was awarded' };
  if (points <= 0) return { action: 'none', reason: 'the total is under one whole currency unit' };
  return { action: 'award', points };
}

export type CancelDecision = { action: 'reverse'; points: number } | { action: 'mark-cancelled' } | { action: 'none'; reason: string };

/**
 * A cancel reverses exactly what was awarded, at most once. With nothing awarded it only
 * leaves its mark, so an award arriving later is refused.
 */
export function decideCancel(markers: OrderMarkers): CancelDecision {
  if (markers.cancelled !== null) return { action: 'none', reason: 'cancel already handled' };
  if (markers.awarded !== null) return { action: 'reverse', points: markers.awarded };
  return { action: 'mark-cancelled' };
}

export function awardEntry(orderId: string, points: number, at: Date): LedgerEntry {
  return { orderId, points, type: 'AWARD', at };
}

/** A reversal entry is negative, so the balance stays the plain sum of the entries. */
export function reversalEntry(orderId: string, points: number, at: Date): LedgerEntry {
  return { orderId, points: -points, type: 'REVERSAL', at };
}
