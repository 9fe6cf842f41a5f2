/**
 * The reservation of one order, as a state machine (one document per order):
 *
 *   (none) --OrderCreated, every line taken--> RESERVED --release--> RELEASING --lines back--> RELEASED
 *   (none) --OrderCreated, a line short or an unknown SKU--> REJECTED --release--> RELEASED
 *   (none) --release (cancelled, or timed out, before OrderCreated was handled)--> RELEASED
 *
 * The outcome of an OrderCreated is the document's first write, with its event: while
 * the lines are taken there is no document, and the take holds on the products are what a
 * redelivery after a crash finds and resumes from. Nothing else reads the order in between:
 * its later events are on the same partition and wait until the OrderCreated is handled.
 * RELEASING is the one state a crash can leave behind.
 *
 * RESERVING (opened before taking) is written no more; documents an earlier version left in
 * it are still taken from, or released, the way it did.
 */
export const RESERVATION_STATUSES = ['RESERVING', 'RESERVED', 'REJECTED', 'RELEASING', 'RELEASED'] as const;

export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

const MOVES: Record<ReservationStatus | 'NONE', readonly ReservationStatus[]> = {
  NONE: ['RESERVED', 'REJECTED', 'RELEASED'],
  RESERVING: ['RESERVED', 'REJECTED', 'RELEASED'],
  RESERVED: ['RELEASING'],
  REJECTED: ['RELEASED'],
  RELEASING: ['RELEASED'],
  RELEASED: [],
};

/** Whether a reservation in `from` (`null`: there is none yet) may move to `to`. */
export function canMove(from: ReservationStatus | null, to: ReservationStatus): boolean {
  return MOVES[from ?? 'NONE'].includes(to);
}

/** What an `OrderCreated` does to the order's reservation, found in `status` (`null`: none yet). */
export type ReserveStep =
  /** Take every line, then record RESERVED or REJECTED. */
  | 'take'
  /** Decided RESERVED before: a crash right after recording it may have left take holds. */
  | 'drop-take-holds'
  /** Decided, or released, before: nothing to do. */
  | 'done';

export function reserveStep(status: ReservationStatus | null): ReserveStep {
  if (status === null || status === 'RESERVING') return 'take';
  if (status === 'RESERVED') return 'drop-take-holds';
  return 'done';
}

/** What a release does to the order's reservation in `status` (`null`: none was ever opened). */
export type ReleaseStep =
  /** Released before: a crash after recording it may have left release holds. */
  | { kind: 'drop-release-holds' }
  /**
   * Record RELEASED after giving back what the order holds: the lines it took while
   * RESERVING (still marked with take holds), every reserved line once from RELEASING, or
   * nothing for a rejected order or one never seen. A RESERVED order is first moved to
   * RELEASING (`viaReleasing`), so a crash halfway resumes from there.
   */
  | { kind: 'release'; giveBack: 'taken' | 'reserved' | 'nothing'; viaReleasing: boolean };

export function releaseStep(status: ReservationStatus | null): ReleaseStep {
  switch (status) {
    case 'RELEASED':
      return { kind: 'drop-release-holds' };
    case 'RESERVED':
      return { kind: 'release', giveBack: 'reserved', viaReleasing: true };
    case 'RESERVING':
      return { kind: 'release', giveBack: 'taken', viaReleasing: false };
    case 'RELEASING':
      return { kind: 'release', giveBack: 'reserved', viaReleasing: false };
    case 'REJECTED':
    case null:
      return { kind: 'release', giveBack: 'nothing', viaReleasing: false };
  }
}
