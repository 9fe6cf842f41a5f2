import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Model } from 'mongoose';
import type { Line } from '../domain/reservation.rules';
import { canMove, type ReservationStatus } from '../domain/reservation.transitions';
import { RESERVATION_MODEL, type ReservationDocument } from './reservation.schema';
import { isDuplicateKey } from '@orderflow/persistence';

export type Reservation = Omit<ReservationDocument, 'outbox'>;

@Injectable()
export class ReservationRepository {
  constructor(
    @InjectModel(RESERVATION_MODEL) private readonly reservations: Model<ReservationDocument>,
  ) {}

  async find(orderId: string): Promise<Reservation | null> {
    return this.reservations.findById(orderId, { outbox: 0 }).lean<Reservation>().exec();
  }

  /** The order's reservation, opened in RESERVING if there is none yet. */
  async open(orderId: string, lines: Line[], currency: string): Promise<Reservation> {
    const now = new Date();
    const opened: Reservation = {
      _id: orderId,
      status: 'RESERVING',
      lines: lines.map((line) => ({ ...line, unitPrice: 0 })),
      total: null,
      currency,
      rejection: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.reservations.create({ ...opened, outbox: [] });
      return opened;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Opened before: this is a redelivery, and the stored reservation says how far it got.
    const reservation = await this.find(orderId);
    if (!reservation) throw new Error(`reservation ${orderId} vanished after it was opened`);
    return reservation;
  }

  /** Moves the reservation from `from` to `to` with no event; `false` if it was no longer in `from`. */
  async move(orderId: string, from: ReservationStatus, to: ReservationStatus): Promise<boolean> {
    assertMove(orderId, from, to);
    const result = await this.reservations.updateOne({ _id: orderId, status: from }, { $set: { status: to, updatedAt: new Date() } });
    return result.modifiedCount === 1;
  }

  /**
   * Moves the reservation from `from` to a new status and queues its event, in one
   * conditional update; `false` if it was no longer in `from` (someone else finished it).
   */
  async finish(
    orderId: string,
    from: ReservationStatus | null,
    change: Partial<Omit<Reservation, '_id'>> & { status: ReservationStatus },
    event: OutboxMessage,
  ): Promise<boolean> {
    assertMove(orderId, from, change.status);
    const now = new Date();
    if (from === null) {
      // Nothing was ever opened for this order: record the outcome as a new document.
      try {
        await this.reservations.create({
          _id: orderId,
          lines: [],
          total: null,
          currency: change.currency,
          rejection: null,
          createdAt: now,
          ...change,
          updatedAt: now,
          outbox: [event],
        });
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    } else {
      const result = await this.reservations.updateOne(
        { _id: orderId, status: from },
        { $set: { ...change, updatedAt: now }, $push: { outbox: event } },
      );
      if (result.modifiedCount !== 1) return false;
    }
    return true;
  }
}

/** A move the state machine does not have is a bug in a handler: it is never written. */
function assertMove(orderId: string, from: ReservationStatus | null, to: ReservationStatus): void {
  if (!canMove(from, to)) throw new Error(`reservation ${orderId}: no move from ${from ?? 'none'} to ${to}`);
}
