import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { CommandBatcher, GuardedUpdates, type GuardedUpdate, type Waiting } from '@orderflow/persistence';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import type { Product } from '../domain/product';
import { PRODUCT_MODEL, type ProductDocument } from './product.schema';

const WITHOUT_HOLDS = { holds: 0 } as const;

/** How long a finished reservation's take holds wait for the next take of their product to drop them. */
const DROP_GATHER_MS = 250;

/** How long a price read here prices reservations without a read of its own (a take checks it still holds). */
export const PRICE_REMEMBERED_MS = 30_000;
/** The most prices remembered: the oldest go first. */
const PRICES_REMEMBERED = 10_000;

/** A take of one line's stock for one order. */
interface Take extends GuardedUpdate {
  hold: string;
  quantity: number;
  /** The price the order is charged: the take applies only while it is the product's price. */
  price?: number;
}

/** A product's price, as `prices` knows it. */
export interface KnownPrice {
  sku: string;
  price: number;
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
  /** Drops waiting for a take of their product to carry them (`dropTakeHoldsLater`). */
  private readonly laterDrops: CommandBatcher<Drop, undefined>;
  private readonly reads: CommandBatcher<string[], Product[]>;
  private readonly releases: CommandBatcher<AnyBulkWriteOperation<ProductDocument>[], undefined>;
  /** Prices as last read here, oldest first, each until it is `PRICE_REMEMBERED_MS` old. */
  private readonly known = new Map<string, { price: number; until: number }>();

  constructor(@InjectModel(PRODUCT_MODEL) private readonly products: Model<ProductDocument>) {
    this.takes = new CommandBatcher((takes) => this.takeTogether(takes));
    // A take that did not apply is short, or is a redelivery's whose hold is already there.
    this.singleTakes = new GuardedUpdates<Take>(products, (takes) => this.holding(takes));
    this.drops = new CommandBatcher(async (drops) => {
      await this.dropTogether(drops);
      return drops.map(() => undefined);
    });
    this.laterDrops = new CommandBatcher(
      async (drops) => {
        await this.dropTogether(drops);
        return drops.map(() => undefined);
      },
      500,
      DROP_GATHER_MS,
      (drop) => drop.sku,
    );
    this.reads = new CommandBatcher(async (lists) => {
      const docs = await this.products
        .find({ _id: { $in: [...new Set(lists.flat())] } }, WITHOUT_HOLDS)
        .lean<ProductDocument[]>()
        .exec();
      const bySku = new Map(docs.map((doc) => [doc._id, toProduct(doc)]));
      for (const doc of docs) this.rememberPrice(doc._id, doc.price);
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

  /**
   * The prices of these SKUs that exist, in no particular order: as last read here, and one
   * read of the products not known. A price may have changed since; a take given it applies
   * only at that price, so an order is never charged one its product no longer has.
   */
  async prices(skus: string[]): Promise<KnownPrice[]> {
    const now = Date.now();
    const known: KnownPrice[] = [];
    const unknown: string[] = [];
    for (const sku of new Set(skus)) {
      const remembered = this.known.get(sku);
      if (remembered && remembered.until > now) known.push({ sku, price: remembered.price });
      else unknown.push(sku);
    }
    return unknown.length === 0 ? known : [...known, ...(await this.findMany(unknown))];
  }

  private rememberPrice(sku: string, price: number): void {
    this.known.delete(sku);
    this.known.set(sku, { price, until: Date.now() + PRICE_REMEMBERED_MS });
    for (const oldest of this.known.keys()) {
      if (this.known.size <= PRICES_REMEMBERED) break;
      this.known.delete(oldest);
    }
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
   * earlier delivery of the same event); `false` if there was not enough, or, given a
   * `price`, if the product's price is no longer that.
   */
  take(sku: string, orderId: string, quantity: number, price?: number): Promise<boolean> {
    const hold = holdOf(orderId);
    return this.takes.add({
      id: sku,
      hold,
      quantity,
      price,
      where: { available: { $gte: quantity }, [hold]: { $exists: false }, ...(price !== undefined && { price }) },
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
   * Drops the order's take holds once its reservation recorded the outcome, mostly without a
   * write of their own: each waits up to `DROP_GATHER_MS` for the next take of its product,
   * whose update drops it too, on the same condition as any drop (the hold still has its
   * value, so a release hold is never touched); what no take carried goes out in one bulk
   * write. The caller need not wait, since the reservation document already answers
   * redeliveries, but the event that caused it must not be committed before this resolves, or
   * a crash could leave the holds for good.
   */
  async dropTakeHoldsLater(orderId: string, lines: readonly { sku: string; quantity: number }[]): Promise<void> {
    const hold = holdOf(orderId);
    await Promise.all(lines.map((line) => this.laterDrops.add({ sku: line.sku, hold, value: line.quantity })));
  }

  /**
   * The takes of a batch: all the takes of one product in one conditional update (enough for
   * all of them, none of their orders holding it yet), so a flash sale's orders for one SKU
   * cost one write, not one each; the drops waiting for a take of that product ride on the
   * same update. A product whose update did not apply (too little left for all, a
   * redelivery's hold there, a price changed, a hold to drop gone already) has its takes
   * tried one by one, first come first served, and its drops made on their own.
   */
  private async takeTogether(takes: Take[]): Promise<boolean[]> {
    // A drop rides on a take of its product, unless that take is for the same hold.
    const skus = new Set(takes.map((take) => take.id));
    const taken = new Set(takes.map((take) => `${take.id}\u0000${take.hold}`));
    const riding = groupBy(
      this.laterDrops.claim((drop) => skus.has(drop.sku) && !taken.has(`${drop.sku}\u0000${drop.hold}`)),
      (waiting) => waiting.item.sku,
    );
    const dropsOf = new Map(riding.map((group) => [group[0].item.sku, group]));
    const [together, single] = partition(
      byProduct(takes),
      (group) =>
        (group.length > 1 || dropsOf.has(group[0].id)) &&
        new Set(group.map((t) => t.hold)).size === group.length &&
        new Set(group.map((t) => t.price)).size === 1,
    );
    const carried = together.flatMap((group) => dropsOf.get(group[0].id) ?? []);
    const onTheirOwn = riding.flat().filter((waiting) => !carried.includes(waiting));
    const outcome = new Map<Take, boolean>();
    try {
      if (together.length > 0) {
        const result = await this.products.collection.bulkWrite(
          together.map((group) =>
            takeUpdate(
              group,
              (dropsOf.get(group[0].id) ?? []).map((waiting) => waiting.item),
            ),
          ) as never[],
          { ordered: false },
        );
        if (result.modifiedCount === together.length) {
          for (const take of together.flat()) outcome.set(take, true);
          settle(carried, undefined);
        } else {
          // Each group's update applied or not on its own (a product short): one read of the
          // holds tells which, and only the others' takes go on one by one. The same read
          // tells which carried drops were made (their hold no longer has its value): only
          // the others go on their own.
          const { applied, undropped } = await this.appliedTogether(together, carried);
          together.forEach((group, i) => {
            if (applied[i]) for (const take of group) outcome.set(take, true);
            else single.push(group);
          });
          settle(
            carried.filter((waiting) => !undropped.has(waiting)),
            undefined,
          );
          onTheirOwn.push(...undropped);
        }
      }
    } catch (error) {
      settle([...carried, ...onTheirOwn], undefined, error);
      throw error;
    }
    const rest = single.flat();
    const [results] = await Promise.all([Promise.all(rest.map((take) => this.singleTakes.apply(take))), this.dropOnTheirOwn(onTheirOwn)]);
    rest.forEach((take, i) => outcome.set(take, results[i]));
    return takes.map((take) => outcome.get(take) as boolean);
  }

  /**
   * After a bulk of take updates that did not all apply, one read of the products' holds:
   * which groups applied (their product now has every hold the group sets; a group whose
   * every order held the product already, all redeliveries, counts as applied too, which is
   * what its takes are told either way), and which of the drops they carried were not made
   * (the hold still has its value, whether or not its group's update applied).
   */
  private async appliedTogether(
    groups: Take[][],
    carried: Waiting<Drop, undefined>[],
  ): Promise<{ applied: boolean[]; undropped: Set<Waiting<Drop, undefined>> }> {
    const holds = await this.holdsOf([...groups.flat().map((take) => ({ sku: take.id, hold: take.hold })), ...carried.map((w) => w.item)]);
    const applied = groups.map((group) => group.every((take) => valueOf(holds, take.id, take.hold) !== undefined));
    const undropped = new Set(carried.filter((w) => valueOf(holds, w.item.sku, w.item.hold) === w.item.value));
    return { applied, undropped };
  }

  /** Drops that a take was to carry but did not, each settled with how its own write went. */
  private async dropOnTheirOwn(waiting: Waiting<Drop, undefined>[]): Promise<void> {
    if (waiting.length === 0) return;
    try {
      await this.dropTogether(waiting.map((w) => w.item));
      settle(waiting, undefined);
    } catch (error) {
      settle(waiting, undefined, error);
    }
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
    const holds = await this.holdsOf(takes.map((take) => ({ sku: take.id, hold: take.hold })));
    return takes.map((take) => valueOf(holds, take.id, take.hold) !== undefined);
  }

  /** These holds of these products, as they are now (one read): by SKU, the holds' values by order id. */
  private async holdsOf(wanted: { sku: string; hold: string }[]): Promise<Map<string, Record<string, number>>> {
    const projection = Object.fromEntries(wanted.map((w) => [w.hold, 1]));
    const docs = await this.products
      .find({ _id: { $in: [...new Set(wanted.map((w) => w.sku))] } }, projection)
      .lean<Pick<ProductDocument, '_id' | 'holds'>[]>()
      .exec();
    return new Map(docs.map((doc) => [doc._id, doc.holds ?? {}]));
  }
}

const HOLDS = 'holds.';

/** The value of a hold (`holds.<orderId>`) on a product, in holds read by `holdsOf`; undefined if it has none. */
const valueOf = (holds: Map<string, Record<string, number>>, sku: string, hold: string): number | undefined =>
  holds.get(sku)?.[hold.slice(HOLDS.length)];

/**
 * The update that takes a product's stock for a group of takes, and drops the holds of
 * `drops` on the way: it applies only if there is enough for all of the takes, none of their
 * orders holds the product yet, the price is still the one they were given (all the same),
 * and each hold to drop still has its value.
 */
function takeUpdate(group: Take[], drops: Drop[]) {
  const holds = Object.fromEntries(group.map((take) => [take.hold, take.quantity]));
  const quantity = group.reduce((sum, take) => sum + take.quantity, 0);
  return {
    updateOne: {
      filter: {
        _id: group[0].id,
        available: { $gte: quantity },
        ...(group[0].price !== undefined && { price: group[0].price }),
        ...Object.fromEntries(group.map((take) => [take.hold, { $exists: false }])),
        ...Object.fromEntries(drops.map((drop) => [drop.hold, drop.value])),
      },
      update: {
        $inc: { available: -quantity, reserved: quantity },
        $set: { ...holds, updatedAt: new Date() },
        ...(drops.length > 0 && { $unset: Object.fromEntries(drops.map((drop) => [drop.hold, ''])) }),
      },
    },
  };
}

/** Settles waiting callers: all with `result`, or all with `error` if there is one. */
function settle<R>(waiting: Waiting<unknown, R>[], result: R, error?: unknown): void {
  for (const w of waiting) {
    if (error === undefined) w.resolve(result);
    else w.reject(error);
  }
}

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
