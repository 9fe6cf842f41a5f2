import * as crypto from 'node:crypto';
import { infraEnv, uniqueName } from '@orderflow/testing';
import mongoose, { type Connection, type Model } from 'mongoose';
import { ProductRepository } from './product.repository';
import { PRODUCT_MODEL, ProductSchema, type ProductDocument } from './product.schema';

/** Manual stock adjustments against a real MongoDB wire protocol server. */
describe('product stock adjustments (integration)', () => {
  let connection: Connection;
  let products: Model<ProductDocument>;
  let repository: ProductRepository;

  beforeAll(async () => {
    connection = await mongoose.createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-inventory') }).asPromise();
    products = connection.model<ProductDocument>(PRODUCT_MODEL, ProductSchema);
    repository = new ProductRepository(products);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const stored = async (sku: string) => (await products.findById(sku).lean<ProductDocument>().exec())?.lastAdjustment;

  it('keeps the reason of the latest adjustment with the product, replacing the one before', async () => {
    const sku = uniqueName('ADJ');
    await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 2 });
    expect(await stored(sku)).toBeNull();

    expect(await repository.adjust(sku, 5, 'restock')).toBe(true);
    expect(await stored(sku)).toEqual({ delta: 5, reason: 'restock', at: expect.any(Date) });

    expect(await repository.adjust(sku, -3, 'breakage')).toBe(true);
    expect(await stored(sku)).toEqual({ delta: -3, reason: 'breakage', at: expect.any(Date) });
    expect((await repository.find(sku))?.available).toBe(4);
  });

  it('records nothing when the adjustment would leave less than zero available', async () => {
    const sku = uniqueName('ADJ');
    await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 1 });
    expect(await repository.adjust(sku, -2, 'breakage')).toBe(false);
    expect(await stored(sku)).toBeNull();
    expect((await repository.find(sku))?.available).toBe(1);
  });

  describe('stock taken by many orders at once', () => {
    const orders = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const stock = async (sku: string) => {
      const doc = await products.findById(sku).lean<ProductDocument>().exec();
      return { available: doc?.available, reserved: doc?.reserved, holds: Object.keys(doc?.holds ?? {}).sort() };
    };

    it('never hands out more than is available, and a redelivered take changes nothing', async () => {
      const sku = uniqueName('TAKE');
      await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 4 });

      // Taken side by side, the takes share commands; four of them fit.
      const first = await Promise.all(orders.map((order) => repository.take(sku, order, 1)));
      expect(first.filter(Boolean)).toHaveLength(4);
      const holders = orders.filter((_, i) => first[i]);
      expect(await stock(sku)).toEqual({ available: 0, reserved: 4, holds: holders });

      // The same takes again (a redelivery): the holders still hold, the others are still short.
      const again = await Promise.all(orders.map((order) => repository.take(sku, order, 1)));
      expect(again).toEqual(first);
      expect(await stock(sku)).toEqual({ available: 0, reserved: 4, holds: holders });

      // Given back once, however often asked.
      await Promise.all(holders.map((order) => repository.giveBack(order, [{ sku, quantity: 1 }])));
      await Promise.all(holders.map((order) => repository.giveBack(order, [{ sku, quantity: 1 }])));
      expect(await stock(sku)).toEqual({ available: 4, reserved: 0, holds: [] });
    });

    it('tells each order of a mixed batch whether it holds its stock', async () => {
      const plenty = uniqueName('TAKE');
      const scarce = uniqueName('TAKE');
      await repository.upsert(plenty, { name: 'Mug', price: 100, currency: 'USD', available: 100 });
      await repository.upsert(scarce, { name: 'Cup', price: 100, currency: 'USD', available: 1 });
      const results = await Promise.all(orders.flatMap((order) => [repository.take(plenty, order, 2), repository.take(scarce, order, 1)]));
      expect(results.filter((_, i) => i % 2 === 0)).toEqual(orders.map(() => true));
      expect(results.filter((_, i) => i % 2 === 1).filter(Boolean)).toHaveLength(1);
      expect(await stock(plenty)).toMatchObject({ available: 80, reserved: 20 });
      expect(await stock(scarce)).toMatchObject({ available: 0, reserved: 1 });
    });
  });

  describe('take holds dropped after the reservation is recorded', () => {
    const order = () => crypto.randomUUID();
    const holdsOf = async (sku: string) => {
      const doc = await products.findById(sku).lean<ProductDocument>().exec();
      return { available: doc?.available, reserved: doc?.reserved, holds: doc?.holds ?? {} };
    };
    /** Counts the bulk writes the repository sends to the products (and still sends them). */
    function bulkWrites() {
      const spy = jest.spyOn(products.collection, 'bulkWrite');
      return { sent: () => spy.mock.calls.map(([ops]) => ops), restore: () => spy.mockRestore() };
    }

    it("drops a finished order's hold with the next take of its product: one write for both", async () => {
      const sku = uniqueName('DROP');
      const [first, second] = [order(), order()];
      await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 10 });
      expect(await repository.take(sku, first, 2)).toBe(true);

      const writes = bulkWrites();
      try {
        const dropped = repository.dropTakeHoldsLater(first, [{ sku, quantity: 2 }]);
        expect(await repository.take(sku, second, 3)).toBe(true);
        await dropped;
        // The take carried the drop: nothing else was written to the product.
        expect(writes.sent()).toHaveLength(1);
        expect(writes.sent()[0]).toHaveLength(1);
      } finally {
        writes.restore();
      }
      expect(await holdsOf(sku)).toEqual({ available: 5, reserved: 5, holds: { [second]: 3 } });
    });

    it('drops it on its own once no take came within the window', async () => {
      const sku = uniqueName('DROP');
      const holder = order();
      await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 10 });
      await repository.take(sku, holder, 1);
      await repository.dropTakeHoldsLater(holder, [{ sku, quantity: 1 }]);
      expect(await holdsOf(sku)).toEqual({ available: 9, reserved: 1, holds: {} });
    });

    it('still drops the holds that rode on a redelivered take, whose update found its hold there already', async () => {
      const sku = uniqueName('DROP');
      const [redelivered, finished] = [order(), order()];
      await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 10 });
      await Promise.all([repository.take(sku, redelivered, 1), repository.take(sku, finished, 2)]);

      const dropped = repository.dropTakeHoldsLater(finished, [{ sku, quantity: 2 }]);
      expect(await repository.take(sku, redelivered, 1)).toBe(true);
      await dropped;

      expect(await holdsOf(sku)).toEqual({ available: 7, reserved: 3, holds: { [redelivered]: 1 } });
    });

    it('when a product of the batch is short, sends again only the drops its update did not make', async () => {
      const [plenty, short] = [uniqueName('DROP'), uniqueName('DROP')];
      const [finished, other, next, greedy] = [order(), order(), order(), order()];
      await repository.upsert(plenty, { name: 'Mug', price: 100, currency: 'USD', available: 10 });
      await repository.upsert(short, { name: 'Cup', price: 100, currency: 'USD', available: 3 });
      await Promise.all([repository.take(plenty, finished, 1), repository.take(short, other, 1)]);

      const writes = bulkWrites();
      try {
        const dropped = [
          repository.dropTakeHoldsLater(finished, [{ sku: plenty, quantity: 1 }]),
          repository.dropTakeHoldsLater(other, [{ sku: short, quantity: 1 }]),
        ];
        // One batch: the plenty product's update applies with its drop, the short one's does not.
        const taken = await Promise.all([repository.take(plenty, next, 2), repository.take(short, greedy, 5)]);
        await Promise.all(dropped);
        expect(taken).toEqual([true, false]);
        // The takes with their drops; then, side by side, the short product's take on its own
        // and its drop on its own. The drop made by the plenty product's update is not sent again.
        const sent = writes.sent() as unknown as { updateOne: { filter: { _id: string } } }[][];
        expect(sent.map((ops) => ops.map((op) => op.updateOne.filter._id))).toEqual([[plenty, short], [short], [short]]);
      } finally {
        writes.restore();
      }
      expect(await holdsOf(plenty)).toEqual({ available: 7, reserved: 3, holds: { [next]: 2 } });
      expect(await holdsOf(short)).toEqual({ available: 2, reserved: 1, holds: {} });
    });

    it('still takes when the hold to drop is gone already, and never drops a release hold', async () => {
      const sku = uniqueName('DROP');
      const [gone, released, next, last] = [order(), order(), order(), order()];
      await repository.upsert(sku, { name: 'Mug', price: 100, currency: 'USD', available: 10 });
      await Promise.all([repository.take(sku, gone, 1), repository.take(sku, released, 1)]);
      // One hold was dropped by a redelivery meanwhile; the other order was cancelled, and its
      // release left a release hold in place of the take hold.
      await repository.dropHolds(gone, [{ sku, quantity: 1 }], 'take');
      await repository.dropHolds(released, [{ sku, quantity: 1 }], 'take');
      expect(await repository.release(sku, released, 1)).toBe(true);

      const drops = repository.dropTakeHoldsLater(gone, [{ sku, quantity: 1 }]);
      const stale = repository.dropTakeHoldsLater(released, [{ sku, quantity: 1 }]);
      expect(await repository.take(sku, next, 2)).toBe(true);
      await Promise.all([drops, stale]);
      expect(await repository.take(sku, last, 1)).toBe(true);

      expect(await holdsOf(sku)).toEqual({ available: 6, reserved: 4, holds: { [released]: -1, [next]: 2, [last]: 1 } });
    });
  });
});
