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
});
