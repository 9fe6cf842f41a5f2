import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { OutboxRelay, type OutboxMessage } from '@orderflow/messaging';
import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import type { Ledger, LedgerEntry, OrderMarkers } from './domain/ledger';
import { LEDGER_COLLECTION, LEDGER_MODEL, type LedgerDocument } from './ledger.schema';
import { isDuplicateKey } from '@orderflow/persistence';

/**
 * Customers' ledgers. Each change is ONE conditional update of the customer's document
 * (balance, entry, per-order marker and outbox event together), so the balance and the
 * entries can never drift apart, whatever crashes when. The condition is the state of the
 * order's markers the caller decided on; `false` means they changed in between (another
 * delivery got there first) and the caller decides again on a fresh read.
 */
@Injectable()
export class LedgerRepository {
  constructor(
    @InjectModel(LEDGER_MODEL) private readonly ledgers: Model<LedgerDocument>,
    private readonly relay: OutboxRelay,
  ) {}

  async find(customerId: string): Promise<Ledger | null> {
    const doc = await this.ledgers
      .findById(customerId, { balance: 1, entries: 1 })
      .lean<Pick<LedgerDocument, 'balance' | 'entries'>>()
      .exec();
    if (!doc) return null;
    return {
      customerId,
      balance: doc.balance,
      entries: (doc.entries ?? []).map((e) => ({ orderId: e.orderId, points: e.points, type: e.type, at: new Date(e.at) })),
    };
  }

  /** What the customer's ledger knows about one order (nothing, if there is no ledger yet). */
  async markers(customerId: string, orderId: string): Promise<OrderMarkers> {
    const doc = await this.ledgers
      .findById(customerId, { [award(orderId)]: 1, [cancel(orderId)]: 1 })
      .lean<Partial<Pick<LedgerDocument, 'awards' | 'cancelled'>>>()
      .exec();
    return { awarded: doc?.awards?.[orderId] ?? null, cancelled: doc?.cancelled?.[orderId] ?? null };
  }

  /** Credits an award, if the order was neither awarded nor cancelled; opens the ledger if need be. */
  async award(customerId: string, entry: LedgerEntry, event: OutboxMessage): Promise<boolean> {
    const { orderId, points, at } = entry;
    return this.write(
      customerId,
      untouched(orderId),
      {
        $inc: { balance: points },
        $push: { entries: entry, outbox: event },
        $set: { [award(orderId)]: points, updatedAt: at },
        $setOnInsert: { cancelled: {}, createdAt: at },
      },
      { upsert: true, event },
    );
  }

  /** Debits a reversal of exactly `awarded` points, if the order was awarded that and not cancelled yet. */
  async reverse(customerId: string, entry: LedgerEntry, awarded: number, event: OutboxMessage): Promise<boolean> {
    const { orderId, points, at } = entry;
    return this.write(
      customerId,
      { [award(orderId)]: awarded, [cancel(orderId)]: { $exists: false } },
      {
        $inc: { balance: points },
        $push: { entries: entry, outbox: event },
        $set: { [cancel(orderId)]: awarded, updatedAt: at },
      },
      { upsert: false, event },
    );
  }

  /** Records a cancel that found nothing to reverse, so a later award is refused; opens the ledger if need be. */
  async markCancelled(customerId: string, orderId: string, at: Date): Promise<boolean> {
    return this.write(
      customerId,
      untouched(orderId),
      {
        $set: { [cancel(orderId)]: 0, updatedAt: at },
        // FerretDB 1.x drops empty arrays from $setOnInsert, so readers take a missing
        // `entries` or `outbox` as empty; the first $push creates them.
        $setOnInsert: { balance: 0, entries: [], awards: {}, outbox: [], createdAt: at },
      },
      { upsert: true },
    );
  }

  /** Applies `update` to the customer's ledger if `conditions` (on the order's markers) still hold. */
  private async write(
    customerId: string,
    conditions: Record<string, unknown>,
    update: UpdateQuery<LedgerDocument>,
    options: { upsert: boolean; event?: OutboxMessage },
  ): Promise<boolean> {
    try {
      // Every inserted field is spelled out in $setOnInsert; mongoose's schema defaults are
      // kept out so they cannot touch the marker maps this update sets by dotted path.
      const result = await this.ledgers.updateOne({ _id: customerId, ...conditions } as QueryFilter<LedgerDocument>, update, {
        upsert: options.upsert,
        setDefaultsOnInsert: false,
      });
      if (result.modifiedCount + result.upsertedCount !== 1) return false;
    } catch (error) {
      // An upsert whose condition failed on an existing ledger tries to insert a second
      // document with the same _id: the ledger has moved on, so the caller reads again.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    if (options.event) this.relay.kick(LEDGER_COLLECTION, customerId, [options.event]);
    return true;
  }
}

const award = (orderId: string) => `awards.${orderId}`;
const cancel = (orderId: string) => `cancelled.${orderId}`;

/** Neither awarded nor cancelled yet. */
const untouched = (orderId: string) => ({ [award(orderId)]: { $exists: false }, [cancel(orderId)]: { $exists: false } });
