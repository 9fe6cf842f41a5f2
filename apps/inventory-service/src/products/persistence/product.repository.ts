import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Product } from '../domain/product';
import { PRODUCT_MODEL, type ProductDocument } from './product.schema';

/** What taking one line's stock for an order came to. */
export type TakeResult = 'taken' | 'already-held' | 'short';

const WITHOUT_HOLDS = { holds: 0 } as const;

/**
 * Products and their stock. Every stock change is one conditional single-document update,
 * so concurrent reservations can never take more than is available (no oversell) and a
 * redelivered event can never take or give back twice: the update also sets or checks the
 * order's hold on the product, which stays only while the order's reservation is in flight.
 */
@Injectable()
export class ProductRepository {
  constructor(@InjectModel(PRODUCT_MODEL) private readonly products: Model<ProductDocument>) {}

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

  async findMany(skus: string[]): Promise<Product[]> {
    const docs = await this.products.find({ _id: { $in: skus } }, WITHOUT_HOLDS).lean<ProductDocument[]>().exec();
    return docs.map(toProduct);
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

  /** Moves `quantity` from available to reserved for `orderId`, once: marks the product with a take hold (`+quantity`). */
  async take(sku: string, orderId: string, quantity: number): Promise<TakeResult> {
    const hold = holdOf(orderId);
    const result = await this.products.updateOne(
      { _id: sku, available: { $gte: quantity }, [hold]: { $exists: false } },
      { $inc: { available: -quantity, reserved: quantity }, $set: { [hold]: quantity, updatedAt: new Date() } },
    );
    if (result.modifiedCount === 1) return 'taken';
    const held = await this.products.exists({ _id: sku, [hold]: { $exists: true } });
    return held ? 'already-held' : 'short';
  }

  /** Undoes a take still marked by its hold (an order rejected halfway); `true` if it did. */
  async giveBack(sku: string, orderId: string, quantity: number): Promise<boolean> {
    const hold = holdOf(orderId);
    const result = await this.products.updateOne(
      { _id: sku, [hold]: quantity },
      { $inc: { available: quantity, reserved: -quantity }, $unset: { [hold]: '' }, $set: { updatedAt: new Date() } },
    );
    return result.modifiedCount === 1;
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
    if (lines.length === 0) return;
    const hold = holdOf(orderId);
    await this.products.bulkWrite(
      lines.map((line) => ({
        updateOne: {
          filter: { _id: line.sku, [hold]: kind === 'take' ? line.quantity : -line.quantity },
          update: { $unset: { [hold]: '' } },
        },
      })),
      { ordered: false },
    );
  }
}

/** Order ids are UUIDs (the event consumer checks it), so they are safe as a field name. */
const holdOf = (orderId: string) => `holds.${orderId}`;

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
