import { Schema } from 'mongoose';
import type { Product } from '../domain/product';

export const PRODUCT_MODEL = 'Product';

/**
 * One document per SKU. `holds` maps each order whose reservation or release of this
 * product is in flight to its quantity (`+q` taken, `-q` given back): the per-order marker
 * that makes taking and giving back stock idempotent in a single conditional update. Holds
 * are dropped once the reservation records the outcome, so the document does not grow with
 * the number of orders.
 */
export interface ProductDocument extends Omit<Product, 'sku'> {
  _id: string;
  holds: Record<string, number>;
  /** The latest manual stock adjustment, replaced by the next one: no history, no growth. */
  lastAdjustment: StockAdjustment | null;
  createdAt: Date;
}

export interface StockAdjustment {
  delta: number;
  reason: string;
  at: Date;
}

export const ProductSchema = new Schema<ProductDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    price: { type: Number, required: true },
    currency: { type: String, required: true },
    available: { type: Number, required: true },
    reserved: { type: Number, required: true },
    holds: { type: Schema.Types.Mixed, default: {} },
    lastAdjustment: { type: new Schema({ delta: Number, reason: String, at: Date }, { _id: false }), default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'products', versionKey: false, minimize: false },
);
