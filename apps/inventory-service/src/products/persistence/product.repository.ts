import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { CommandBatcher, GuardedUpdates, type GuardedUpdate } from '@orderflow/persistence';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import type { Product } from '../domain/product';
import { PRODUCT_MODEL, type ProductDocument } from './product.schema';

const WITHOUT_HOLDS = { holds: 0 } as const;

/** A take of one line's stock for one order. */
interface Take extends GuardedUpdate {
  hold: string;
  quantity: number;
}

/** A hold to drop, if it still has this value. */
interface Drop {
  sku: string;
  hold: string;
  value: number;
}

/**
 * Products and their stock. Every stock change is one conditional single-document update,
 * so concurrent reservations can never take more than is available (no oversell) and a
 * redelivered event can never take or give back twice: the update also sets or checks the
 * order's hold on the product, which stays only while the order's reservation is in flight.
 */
@Injectable()
export class ProductRepository {
  /**
   * The handlers of a consumer batch each take, read and let go of their own order's stock:
   * what they ask for together goes out as one command of each kind, and the takes and drops
   * of one product as one update of it where they can.
   */
  private readonly takes: CommandBatcher<Take, boolean>;
  private readonly singleTakes: GuardedUpdates<Take>;
  private readonly drops: CommandBatcher<Drop, undefined>;
  private readonly reads: CommandBatcher<string[], Product[]>;
  private readonly releases: CommandBatcher<AnyBulkWriteOperation<ProductDocument>[], undefined>;

  constructor(@InjectModel(PRODUCT_MODEL) private readonly products: Model<ProductDocument>) {
    this.takes = new CommandBatcher((takes) => this.takeTogether(takes));
    // A take that did not apply is short, or is a redelivery's whose hold is already there.
    this.singleTakes = new GuardedUpdates<Take>(products, (takes) => this.holding(takes));
    this.drops = new CommandBatcher(async (drops) => {
      await this.dropTogether(drops);
      return drops.map(() => undefined);
    });
    this.reads = new CommandBatcher(async (lists) => {
      const docs = await this.products
        .find({ _id: { $in: [...new Set(lists.flat())] } }, WITHOUT_HOLDS)
        .lean<ProductDocument[]>()
        .exec();
      const bySku = new Map(docs.map((doc) => [doc._id, toProduct(doc)]));
      return lists.map((skus) => skus.flatMap((sku) => bySku.get(sku) ?? []));
    });
    this.releases = new CommandBatcher(async (batches) => {
      await this.products.bulkWrite(batches.flat(), { ordered: false });
      return batches.map(() => undefined);
    });
  }

  /** Creates or replaces a product's name, price and available stock; `true` if created. */
  async upsert(sku: string, fields: { name: string; price: number; currency: string; available: number }): Promise<boolean> {
    const now = new Date();
    const result = await this.products.updateOne(
      { _id: sku },
      { $set: { ...fields, updatedAt: now }, $setOnInsert: { reserved: 0, holds: {}, createdAt: now } },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async find(sku: string): Promise<Product | null> {
    const doc = await this.products.findById(sku, WITHOUT_HOLDS).lean<ProductDocument>().exec();
    return doc && toProduct(doc);
  }

  /** The products of these SKUs that exist, in no particular order. */
  findMany(skus: string[]): Promise<Product[]> {
    return this.reads.add(skus);
  }

  async list(afterSku: string | undefined, limit: number): Promise<Product[]> {
    const docs = await this.products
      .find(afterSku === undefined ? {} : { _id: { $gt: afterSku } }, WITHOUT_HOLDS)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ProductDocument[]>()
      .exec();
    return docs.map(toProduct);
  }

  /**
   * Adds `delta` to available stock unless that would take it below zero; `false` if it would
   * (or no such SKU). The adjustment and its reason replace the product's `lastAdjustment`.
   */
  async adjust(sku: string, delta: number, reason: string): Promise<boolean> {
    const now = new Date();
    const result = await this.products.updateOne(
      { _id: sku, available: { $gte: -delta } },
      { $inc: { available: delta }, $set: { lastAdjustment: { delta, reason, at: now }, updatedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Moves `quantity` from available to reserved for `orderId`, once: marks the product with a
   * take hold (`+quantity`). `true` if the order holds the stock now (taken here, or by an
   * earlier delivery of the same event); `false` if there was not enough.
   */
  take(sku: string, orderId: string, quantity: number): Promise<boolean> {
    const hold = holdOf(orderId);
    return this.takes.add({
      id: sku,
      hold,
      quantity,
      where: { available: { $gte: quantity }, [hold]: { $exists: false } },
      update: { $inc: { available: -quantity, reserved: quantity }, $set: { [hold]: quantity, updatedAt: new Date() } },
    });
  }

  /** Undoes the takes still marked by their holds (an order rejected halfway), in one round trip. */
  async giveBack(orderId: string, lines: readonly { sku: string; quantity: number }[]): Promise<void> {
    const hold = holdOf(orderId);
    await this.releases.add(
      lines.map((line) => ({
        updateOne: {
          filter: { _id: line.sku, [hold]: line.quantity },
          update: { $inc: { available: line.quantity, reserved: -line.quantity }, $unset: { [hold]: '' }, $set: { updatedAt: new Date() } },
        },
      })),
    );
  }

  /**
   * Gives back a line of a reservation whose take holds were already dropped (a cancelled
   * order), once: it marks the product with a release hold (`-quantity`) in the same update.
   */
  async release(sku: string, orderId: string, quantity: number): Promise<boolean> {
    const hold = holdOf(orderId);
    const result = await this.products.updateOne(
      { _id: sku, [hold]: { $exists: false } },
      { $inc: { available: quantity, reserved: -quantity }, $set: { [hold]: -quantity, updatedAt: new Date() } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Drops the order's holds of one kind (`take` or `release`) from its lines' products, in one
   * round trip. A hold only has to live while its reservation is in flight: once the
   * reservation document records the outcome, that document is what makes a redelivery a
   * no-op, so products keep no trace of finished orders and stay the same size.
   */
  async dropHolds(orderId: string, lines: readonly { sku: string; quantity: number }[], kind: 'take' | 'release'): Promise<void> {
    const hold = holdOf(orderId);
    await Promise.all(
      lines.map((line) => this.drops.add({ sku: line.sku, hold, value: kind === 'take' ? line.quantity : -line.quantity })),
    );
  }

  /**
   * The takes of a batch: all the takes of one product in one conditional update (enough for
   * all of them, none of their orders holding it yet), so a flash sale's orders for one SKU
   * cost one write, not one each. A product whose update did not apply (too little left for
   * all, or a redelivery's hold there) has its takes tried one by one, first come first served.
   */
  private async takeTogether(takes: Take[]): Promise<boolean[]> {
    const [together, single] = partition(
      byProduct(takes),
      (group) => group.length > 1 && new Set(group.map((t) => t.hold)).size === group.length,
    );
    const outcome = new Map<Take, boolean>();
    if (together.length > 0) {
      const result = await this.products.collection.bulkWrite(
        together.map((group) => {
          const holds = Object.fromEntries(group.map((take) => [take.hold, take.quantity]));
          const quantity = group.reduce((sum, take) => sum + take.quantity, 0);
          return {
            updateOne: {
              filter: {
                _id: group[0].id,
                available: { $gte: quantity },
                ...Object.fromEntries(group.map((take) => [take.hold, { $exists: false }])),
              },
              update: { $inc: { available: -quantity, reserved: quantity }, $set: { ...holds, updatedAt: new Date() } },
            },
          };
        }) as never[],
        { ordered: false },
      );
      if (result.modifiedCount === together.length) for (const take of together.flat()) outcome.set(take, true);
      else single.push(...together);
    }
    const rest = single.flat();
    const results = await Promise.all(rest.map((take) => this.singleTakes.apply(take)));
    rest.forEach((take, i) => outcome.set(take, results[i]));
    return takes.map((take) => outcome.get(take) as boolean);
  }

  /**
   * The drops of a batch: one update per product, removing every hold asked for if each still
   * has its value. Where one does not (a redelivery dropped it already), each is dropped on its
   * own condition. Dropping twice changes nothing, so the second pass may repeat the first.
   */
  private async dropTogether(drops: Drop[]): Promise<void> {
    const groups = groupBy(drops, (drop) => drop.sku);
    const together = await this.products.collection.bulkWrite(
      groups.map((group) => ({
        updateOne: {
          filter: { _id: group[0].sku, ...Object.fromEntries(group.map((drop) => [drop.hold, drop.value])) },
          update: { $unset: Object.fromEntries(group.map((drop) => [drop.hold, ''])) },
        },
      })) as never[],
      { ordered: false },
    );
    if (together.modifiedCount === groups.length || groups.every((group) => group.length === 1)) return;
    await this.products.collection.bulkWrite(
      drops.map((drop) => ({
        updateOne: { filter: { _id: drop.sku, [drop.hold]: drop.value }, update: { $unset: { [drop.hold]: '' } } },
      })) as never[],
      { ordered: false },
    );
  }

  /** Which of these takes' orders hold their product: one read of the products' holds. */
  private async holding(takes: Take[]): Promise<boolean[]> {
    const projection = Object.fromEntries(takes.map((take) => [take.hold, 1]));
    const docs = await this.products
      .find({ _id: { $in: [...new Set(takes.map((take) => take.id))] } }, projection)
      .lean<Pick<ProductDocument, '_id' | 'holds'>[]>()
      .exec();
    const holds = new Map(docs.map((doc) => [doc._id, doc.holds ?? {}]));
    return takes.map((take) => holds.get(take.id)?.[take.hold.slice(HOLDS.length)] !== undefined);
  }
}

const HOLDS = 'holds.';

/** The takes of each product, in the order they were asked for. */
const byProduct = (takes: Take[]): Take[][] => groupBy(takes, (take) => take.id);

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups.values()];
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/** Order ids are UUIDs (the event consumer checks it), so they are safe as a field name. */
const holdOf = (orderId: string) => `${HOLDS}${orderId}`;

function toProduct(doc: ProductDocument): Product {
  return {
    sku: doc._id,
    name: doc.name,
    price: doc.price,
    currency: doc.currency,
    available: doc.available,
    reserved: doc.reserved,
    updatedAt: new Date(doc.updatedAt),
  };
}
