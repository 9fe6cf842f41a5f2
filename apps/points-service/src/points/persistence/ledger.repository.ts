import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ByIdReader, GuardedUpdates, stampedBy, type OutboxMessage, type StampedUpdate, type StoredMessage } from '@orderflow/persistence';
import type { Model } from 'mongoose';
import type { Ledger, LedgerEntry, OrderMarkers } from '../domain/ledger';
import { LEDGER_MODEL, type LedgerDocument } from './ledger.schema';

/** Entries a customer's points answer shows at most: the newest ones. */
export const ENTRIES_SHOWN = 100;

type Markers = Pick<LedgerDocument, '_id' | 'awarded' | 'cancelled'> & { announced?: StoredMessage[] };

/**
 * Points per order. Each change is ONE conditional update of the order's document (entry,
 * net points, marker and the event it announces together), so what an order contributes and its
 * entries can never drift apart, whatever crashes when. The condition is the state of the
 * order's markers the caller decided on; `false` means they changed in between (another
 * delivery got there first) and the caller decides again on a fresh read. An upsert whose
 * condition failed on an existing document is refused by the unique `_id`: `false` too.
 * A change is stamped with its own `updatedAt`, which tells it apart when a batch of them
 * must be read back.
 */
@Injectable()
export class LedgerRepository {
  /** The orders of a consumer batch are read, and written, together: one command for each. */
  private readonly reads: ByIdReader<Markers>;
  private readonly writes: GuardedUpdates<StampedUpdate>;

  constructor(@InjectModel(LEDGER_MODEL) private readonly ledgers: Model<LedgerDocument>) {
    this.reads = new ByIdReader<Markers>(ledgers, { awarded: 1, cancelled: 1, announced: 1 });
    this.writes = new GuardedUpdates<StampedUpdate>(ledgers, stampedBy(ledgers, 'updatedAt'));
  }

  /**
   * The customer's balance (the sum over all their orders, through the `customerId` index)
   * and their newest entries, oldest first; `null` if they have none. One aggregation reads
   * each document once for both, so the balance is always the sum of what the entries say,
   * even while awards land (two queries would each see a different moment).
   */
  async find(customerId: string): Promise<Ledger | null> {
    const [result] = await this.ledgers
      .aggregate<{ totals: { balance: number }[]; newest: Pick<LedgerDocument, 'entries'>[] }>([
        { $match: { customerId } },
        { $project: { net: 1, entries: 1, updatedAt: 1 } },
        {
          $facet: {
            totals: [{ $group: { _id: null, balance: { $sum: '$net' } } }],
            newest: [{ $sort: { updatedAt: -1 } }, { $limit: ENTRIES_SHOWN }, { $project: { entries: 1 } }],
          },
        },
      ])
      .exec();
    const totals = result?.totals[0];
    if (!totals) return null;
    const entries = result.newest
      .flatMap((doc) => doc.entries ?? [])
      .map((e) => ({ orderId: e.orderId, points: e.points, type: e.type, at: new Date(e.at) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(-ENTRIES_SHOWN);
    return { customerId, balance: totals.balance, entries };
  }

  /** What is known about one order (nothing, if it was never seen), and the events its changes announced. */
  async markers(orderId: string): Promise<{ markers: OrderMarkers; announced: StoredMessage[] }> {
    const doc = await this.reads.find(orderId);
    return { markers: { awarded: doc?.awarded ?? null, cancelled: doc?.cancelled ?? null }, announced: doc?.announced ?? [] };
  }

  /** Credits an award, if the order was neither awarded nor cancelled; creates the order's document if need be. */
  async award(customerId: string, entry: LedgerEntry, event: OutboxMessage): Promise<boolean> {
    const { orderId, points, at } = entry;
    return this.writes.apply({
      id: orderId,
      at,
      where: UNTOUCHED,
      update: {
        $inc: { net: points },
        $push: { entries: entry, announced: event },
        $set: { awarded: points, updatedAt: at },
        $setOnInsert: { customerId, createdAt: at },
      },
      upsert: true,
    });
  }

  /** Debits a reversal of exactly `awarded` points, if the order was awarded that and not cancelled yet. */
  async reverse(entry: LedgerEntry, awarded: number, event: OutboxMessage): Promise<boolean> {
    const { orderId, points, at } = entry;
    return this.writes.apply({
      id: orderId,
      at,
      where: { awarded, cancelled: { $exists: false } },
      update: {
        $inc: { net: points },
        $push: { entries: entry, announced: event },
        $set: { cancelled: awarded, updatedAt: at },
      },
    });
  }

  /** Records a cancel that found nothing to reverse, so a later award is refused; creates the order's document if need be. */
  async markCancelled(customerId: string, orderId: string, at: Date): Promise<boolean> {
    return this.writes.apply({
      id: orderId,
      at,
      where: UNTOUCHED,
      update: {
        $set: { cancelled: 0, updatedAt: at },
        $setOnInsert: { customerId, net: 0, entries: [], announced: [], createdAt: at },
      },
      upsert: true,
    });
  }
}

/** Neither awarded nor cancelled yet. */
const UNTOUCHED = { awarded: { $exists: false }, cancelled: { $exists: false } };
