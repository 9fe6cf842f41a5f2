import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Model } from 'mongoose';
import { canMove, type ReservationStatus } from '../domain/reservation.transitions';
import { RESERVATION_MODEL, type ReservationDocument } from './reservation.schema';
import { BatchedInserts, ByIdReader } from '@orderflow/persistence';

export type Reservation = Omit<ReservationDocument, 'outbox'>;

@Injectable()
export class ReservationRepository {
  /** Reads and creations asked for together (a consumer batch's orders) share one round trip. */
  private readonly reads: ByIdReader<Reservation>;
  private readonly inserts: BatchedInserts<Omit<ReservationDocument, 'outbox'>>;

  constructor(@InjectModel(RESERVATION_MODEL) private readonly reservations: Model<ReservationDocument>) {
    this.reads = new ByIdReader<Reservation>(reservations, { outbox: 0 });
    this.inserts = new BatchedInserts<Omit<ReservationDocument, 'outbox'>>(reservations);
  }

  find(orderId: string): Promise<Reservation | null> {
    return this.reads.find(orderId);
  }

  /** Moves the reservation from `from` to `to` with no event; `false` if it was no longer in `from`. */
  async move(orderId: string, from: ReservationStatus, to: ReservationStatus): Promise<boolean> {
    assertMove(orderId, from, to);
    const result = await this.reservations.updateOne({ _id: orderId, status: from }, { $set: { status: to, updatedAt: new Date() } });
    return result.modifiedCount === 1;
  }

  /**
   * Moves the reservation from `from` to a new status and records the event it announces, in
   * one conditional write; `false` if it was no longer in `from` (someone else finished it).
   * From no reservation at all (`null`), the outcome is the document's first write. The
   * caller publishes the event once this answers `true`.
   */
  async finish(
    orderId: string,
    from: ReservationStatus | null,
    change: Partial<Omit<Reservation, '_id' | 'announced'>> & { status: ReservationStatus; currency: string },
    event: OutboxMessage,
  ): Promise<boolean> {
    assertMove(orderId, from, change.status);
    const now = new Date();
    if (from === null) {
      return this.inserts.insert({
        _id: orderId,
        lines: [],
        total: null,
        rejection: null,
        createdAt: now,
        ...change,
        updatedAt: now,
        announced: [event],
      });
    }
    const result = await this.reservations.updateOne(
      { _id: orderId, status: from },
      { $set: { ...change, updatedAt: now }, $push: { announced: event } },
    );
    return result.modifiedCount === 1;
  }
}

/** A move the state machine does not have is a bug in a handler: it is never written. */
function assertMove(orderId: string, from: ReservationStatus | null, to: ReservationStatus): void {
  if (!canMove(from, to)) throw new Error(`reservation ${orderId}: no move from ${from ?? 'none'} to ${to}`);
}
