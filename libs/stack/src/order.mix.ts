import type { OrderLine } from './api';
import { seededRandom } from './seeded-random';

export interface Product {
  sku: string;
  price: number;
  stock: number;
}

export interface OrderPlan {
  customerId: string;
  items: OrderLine[];
  /** Cancel this order this long after it was accepted (a few orders only). */
  cancelAfterMs?: number;
}

export interface Mix {
  products: Product[];
  customers: string[];
  orders: OrderPlan[];
}

export interface MixShape {
  /** Prefix of this run's SKUs and customer ids, so runs never share state. */
  tag: string;
  orders: number;
  skus: number;
  customers: number;
  /** SKUs given about half of their expected demand, so some orders are rejected. */
  scarceSkus: number;
  /** Share of orders the client cancels soon after placing them. */
  cancelShare: number;
  /** Stock of every SKU, when the run sets it (the flash sale); otherwise from the demand. */
  stock?: number;
  seed: number;
}

export const STANDARD: Omit<MixShape, 'tag' | 'orders' | 'seed'> = {
  skus: 20,
  customers: 50,
  scarceSkus: 2,
  cancelShare: 0.03,
};
/**
 * The flat-cost run: every order on a few hot products, all in stock, no cancellations. Many
 * customers with a few orders each, so that the end-state check reads each customer's
 * notifications in one page instead of asking per order.
 */
export const FLAT: Omit<MixShape, 'tag' | 'orders' | 'seed'> = {
  skus: 5,
  customers: 2000,
  scarceSkus: 0,
  cancelShare: 0,
};

/**
 * The flash sale: every order for one SKU whose stock is a fraction of the demand, so the
 * orders race for the last units and most are rejected. Exactly the stock must be sold.
 */
export const FLASH: Omit<MixShape, 'tag' | 'orders' | 'seed'> = {
  skus: 1,
  customers: 2000,
  scarceSkus: 0,
  cancelShare: 0,
  stock: 5000,
};

/**
 * The products and orders of one run: orders of 1–3 distinct lines of quantity 1–3 over the
 * run's SKUs and customers. Plenty of stock everywhere but on `scarceSkus` SKUs.
 */
export function planMix(shape: MixShape): Mix {
  const random = seededRandom(shape.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const skus = Array.from({ length: shape.skus }, (_, i) => `${shape.tag}-SKU-${i}`);
  const customers = Array.from({ length: shape.customers }, (_, i) => `${shape.tag}-c${i}`);
  const orders: OrderPlan[] = Array.from({ length: shape.orders }, () => {
    const lines = Math.min(shape.skus, 1 + pick(3));
    const chosen = new Set<string>();
    while (chosen.size < lines) chosen.add(skus[pick(skus.length)]);
    const items = [...chosen].map((sku) => ({ sku, quantity: 1 + pick(3) }));
    const cancel = random() < shape.cancelShare;
    return {
      customerId: customers[pick(customers.length)],
      items,
      ...(cancel && { cancelAfterMs: pick(1000) }),
    };
  });
  const demand = new Map<string, number>();
  for (const order of orders) for (const item of order.items) demand.set(item.sku, (demand.get(item.sku) ?? 0) + item.quantity);
  const products = skus.map((sku, i) => ({
    sku,
    // 1.99–49.99: totals from a couple of dollars to over a hundred, so points vary and some orders earn none.
    price: 199 + pick(4801),
    stock: shape.stock ?? (i < shape.scarceSkus ? Math.max(1, Math.floor((demand.get(sku) ?? 0) / 2)) : 1_000_000),
  }));
  return { products, customers, orders };
}
