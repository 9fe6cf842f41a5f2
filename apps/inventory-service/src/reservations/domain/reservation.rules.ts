/** The reservation rules: which lines can be served, and at what price. Pure functions. */
import type { StockRejectionReason } from '@orderflow/contracts';

export interface Line {
  sku: string;
  quantity: number;
}

export interface PricedLine extends Line {
  unitPrice: number;
}

export interface StockView {
  sku: string;
  price: number;
  available: number;
}

export interface Rejection {
  reason: StockRejectionReason;
  skus: string[];
}

/** SKUs of the order that are not in the catalogue; the order is refused if any. */
export function unknownSkus(lines: Line[], products: Pick<StockView, 'sku'>[]): string[] {
  const known = new Set(products.map((product) => product.sku));
  return lines.filter((line) => !known.has(line.sku)).map((line) => line.sku);
}

/** SKUs with less available than ordered, as seen now. */
export function shortSkus(lines: Line[], products: StockView[]): string[] {
  const available = new Map(products.map((product) => [product.sku, product.available]));
  return lines.filter((line) => (available.get(line.sku) ?? 0) < line.quantity).map((line) => line.sku);
}

/** The order's lines at the products' current prices, and their total, in the order's line order. */
export function priced(lines: Line[], products: Pick<StockView, 'sku' | 'price'>[]): { lines: PricedLine[]; total: number } {
  const price = new Map(products.map((product) => [product.sku, product.price]));
  const result = lines.map((line) => ({ ...line, unitPrice: price.get(line.sku) ?? 0 }));
  return { lines: result, total: result.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0) };
}

/** Whether a product has another price now than the one an order was going to be charged. */
export function repriced(charged: Pick<StockView, 'sku' | 'price'>[], now: Pick<StockView, 'sku' | 'price'>[]): boolean {
  const price = new Map(now.map((product) => [product.sku, product.price]));
  return charged.some((product) => price.get(product.sku) !== product.price);
}

/**
 * The order in which lines take stock: by SKU, so two orders over the same products
 * contend in the same sequence and one of them fails early rather than both halfway.
 */
export function takingOrder<L extends Line>(lines: L[]): L[] {
  return [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
