import { seededRandom } from './seeded-random';
import { FLAT, planMix, STANDARD } from './order.mix';

describe('planMix', () => {
  const mix = planMix({ ...STANDARD, tag: 't', orders: 1000, seed: 7 });

  it('places the same orders for the same seed, other orders for another', () => {
    expect(planMix({ ...STANDARD, tag: 't', orders: 1000, seed: 7 })).toEqual(mix);
    expect(planMix({ ...STANDARD, tag: 't', orders: 1000, seed: 8 }).orders).not.toEqual(mix.orders);
  });

  it('gives orders 1–3 distinct lines of quantity 1–3 over the run’s SKUs and customers', () => {
    const skus = new Set(mix.products.map((p) => p.sku));
    for (const order of mix.orders) {
      expect(order.items.length).toBeGreaterThanOrEqual(1);
      expect(order.items.length).toBeLessThanOrEqual(3);
      expect(new Set(order.items.map((i) => i.sku)).size).toBe(order.items.length);
      for (const item of order.items) {
        expect(skus.has(item.sku)).toBe(true);
        expect([1, 2, 3]).toContain(item.quantity);
      }
      expect(mix.customers).toContain(order.customerId);
    }
    expect(mix.products).toHaveLength(20);
    expect(mix.customers).toHaveLength(50);
  });

  it('makes a few SKUs scarce (half their demand) and cancels a few orders', () => {
    const demand = (sku: string) =>
      mix.orders
        .flatMap((o) => o.items)
        .filter((i) => i.sku === sku)
        .reduce((sum, i) => sum + i.quantity, 0);
    const scarce = mix.products.filter((p) => p.stock < demand(p.sku));
    expect(scarce.map((p) => p.sku)).toEqual(['t-SKU-0', 't-SKU-1']);
    expect(scarce[0].stock).toBe(Math.floor(demand('t-SKU-0') / 2));
    const cancelled = mix.orders.filter((o) => o.cancelAfterMs !== undefined).length;
    expect(cancelled).toBeGreaterThan(10);
    expect(cancelled).toBeLessThan(60);
  });

  it('keeps the flat run on 5 SKUs, all in stock, nothing cancelled', () => {
    const flat = planMix({ ...FLAT, tag: 'f', orders: 500, seed: 1 });
    expect(flat.products.map((p) => p.stock)).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000]);
    expect(flat.orders.some((o) => o.cancelAfterMs !== undefined)).toBe(false);
  });
});

describe('seededRandom', () => {
  it('stays within [0, 1)', () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});
