import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import type { Ledger, LedgerEntry, OrderMarkers } from '../domain/ledger';
import { LEDGER_MODEL, type LedgerDocument } from './ledger.schema';
import { isDuplicateKey } from '@orderflow/persistence';

/** Entries a customer's points answer shows at most: the newest ones. */
export const ENTRIES_SHOWN = 100;

/**
 * Points per order. Each change is ONE conditional update of the order's document (entry,
 * net points, marker and outbox event together), so what an order contributes and its
 * entries can never drift apart, whatever crashes when. The condition is the state of the
 * order's markers the caller decided on; `false` means they changed in between (another
 * delivery got there first) and the caller decides again on a fresh read.
 */
@Injectable()
export class LedgerRepository {
  constructor(
    @InjectModel(LEDGER_MODEL) private readonly ledgers: Model<LedgerDocument>,
  ) {}

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

  /** What is known about one order (nothing, if it was never seen). */
  async markers(orderId: string): Promise<OrderMarkers> {
    const doc = await this.ledgers
      .findById(orderId, { awarded: 1, cancelled: 1 })
      .lean<Pick<LedgerDocument, 'awarded' | 'cancelled'>>()
      .exec();
    return { awarded: doc?.awarded ?? null, cancelled: doc?.cancelled ?? null };
  }

  /** Credits an award, if the order was neither awarded nor cancelled; creates the order's document if need be. */
  async award(customerId: string, entry: LedgerEntry, event: OutboxMessage): Promise<boolean> {
    const { orderId, points, at } = entry;
    return this.write(
      orderId,
      UNTOUCHED,
      {
        $inc: { net: points },
        $push: { entries: entry, outbox: event },
        $set: { awarded: points, updatedAt: at },
        $setOnInsert: { customerId, createdAt: at },
      },
      { upsert: true, event },
    );
  }

  /** Debits a reversal of exactly `awarded` points, if the order was awarded that and not cancelled yet. */
  async reverse(entry: LedgerEntry, awarded: number, event: OutboxMessage): Promise<boolean> {
    const { orderId, points, at } = entry;
    return this.write(
      orderId,
      { awarded, cancelled: { $exists: false } },
      {
        $inc: { net: points },
        $push: { entries: entry, outbox: event },
        $set: { cancelled: awarded, updatedAt: at },
      },
      { upsert: false, event },
    );
  }

  /** Records a cancel that found nothing to reverse, so a later award is refused; creates the order's document if need be. */
  async markCancelled(customerId: string, orderId: string, at: Date): Promise<boolean> {
    return this.write(
      orderId,
      UNTOUCHED,
      {
        $set: { cancelled: 0, updatedAt: at },
        $setOnInsert: { customerId, net: 0, entries: [], outbox: [], createdAt: at },
      },
      { upsert: true },
    );
  }

  /** Applies `update` to the order's document if `conditions` (on its markers) still hold. */
  private async write(
    orderId: string,
    conditions: Record<string, unknown>,
    update: UpdateQuery<LedgerDocument>,
    options: { upsert: boolean; event?: OutboxMessage },
  ): Promise<boolean> {
    try {
      // Every inserted field is spelled out in $setOnInsert; mongoose's schema defaults are
      // kept out so they cannot touch the fields this update sets.
      const result = await this.ledgers.updateOne({ _id: orderId, ...conditions } as QueryFilter<LedgerDocument>, update, {
        upsert: options.upsert,
        setDefaultsOnInsert: false,
      });
      if (result.modifiedCount + result.upsertedCount !== 1) return false;
    } catch (error) {
      // An upsert whose condition failed on an existing document tries to insert a second
      // one with the same _id: the order has moved on, so the caller reads again.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    return true;
  }
}

/** Neither awarded nor cancelled yet. */
const UNTOUCHED = { awarded: { $exists: false }, cancelled: { $exists: false } };
