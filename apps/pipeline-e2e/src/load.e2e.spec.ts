import { uniqueName } from '@orderflow/testing';
import {
  placeOrder,
  putProduct,
  type OrderLine,
  seededRandom,
  allFinal,
  expectNotifiedOnce,
  expectPointsExactlyOnce,
  expectStockConsistent,
  type Stocked,
} from '@orderflow/stack';

const CUSTOMERS = 50;
const ORDERS_EACH = 5;

describe('under load', () => {
  it(`${CUSTOMERS} customers placing ${ORDERS_EACH} orders each at once: every order final, stock, points and notifications exact`, async () => {
    const seed = Date.now() % 1_000_000;
    const next = seededRandom(seed);
    // Plenty of some products and too little of others, so orders both confirm and reject.
    const products: (Stocked & { price: number })[] = [
      ...Array.from({ length: 4 }, (_, i) => ({ sku: uniqueName(`LOAD${i}`), stock: 2_000, price: 150 + 325 * i })),
      ...Array.from({ length: 4 }, (_, i) => ({ sku: uniqueName(`SCARCE${i}`), stock: 15 + 5 * i, price: 999 + 1_000 * i })),
    ];
    for (const { sku, stock, price } of products) await putProduct(sku, { price, stock });

    const lines = (): OrderLine[] => {
      const picked = new Set<string>();
      const count = 1 + Math.floor(next() * 3);
      while (picked.size < count) picked.add(products[Math.floor(next() * products.length)].sku);
      return [...picked].map((sku) => ({ sku, quantity: 1 + Math.floor(next() * 3) }));
    };
    const customers = Array.from({ length: CUSTOMERS }, () => uniqueName('load'));
    const wanted = customers.flatMap((customerId) => Array.from({ length: ORDERS_EACH }, () => ({ customerId, items: lines() })));

    const started = Date.now();
    const placed = await Promise.all(wanted.map(({ customerId, items }) => placeOrder(customerId, items)));
    expect(new Set(placed.map((order) => order.id)).size).toBe(wanted.length);

    const orders = await allFinal(
      placed.map((order) => order.id),
      300_000,
    );
    const elapsed = (Date.now() - started) / 1000;
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const rejected = orders.filter((o) => o.status === 'REJECTED');
    const context = `seed ${seed}: ${confirmed.length} confirmed, ${rejected.length} rejected in ${elapsed.toFixed(1)} s`;
    expect({ context, cancelled: orders.length - confirmed.length - rejected.length }).toEqual({ context, cancelled: 0 });
    expect(confirmed.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    for (const order of rejected) expect(order.items.every((item) => item.unitPrice === null)).toBe(true);

    // Each order kept its lines, and a confirmed one is priced at the products' prices.
    const price = new Map(products.map((p) => [p.sku, p.price]));
    orders.forEach((order, i) => {
      expect(order.items.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual(wanted[i].items);
      if (order.status === 'CONFIRMED') {
        expect(order.total).toBe(order.items.reduce((sum, item) => sum + item.quantity * (price.get(item.sku) as number), 0));
      }
    });

    await expectStockConsistent(products, orders);
    await expectPointsExactlyOnce(orders, 300_000);
    await expectNotifiedOnce(orders, 300_000);
  }, 900_000);
});
