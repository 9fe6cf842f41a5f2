import { Logger } from '@nestjs/common';
import {
  decodeEvent,
  InventoryReleasedSchema,
  InventoryReservedSchema,
  InventoryRejectedSchema,
  type InventoryReserved,
} from '@orderflow/contracts';
import type { OutboxMessage } from '@orderflow/persistence';
import { infraEnv, PUBLISH_FAILED, PublishRecorder, uniqueName } from '@orderflow/testing';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { ProductRepository } from '../products/persistence/product.repository';
import { PRODUCT_MODEL, ProductSchema, type ProductDocument } from '../products/persistence/product.schema';
import { ReleaseStockHandler } from './commands/release-stock/release-stock.handler';
import { ReserveStockHandler } from './commands/reserve-stock/reserve-stock.handler';
import { RESERVATION_MODEL, ReservationSchema, type ReservationDocument } from './persistence/reservation.schema';
import { ReservationRepository } from './persistence/reservation.repository';
import { ReservationMetrics } from './reservation.metrics';

/**
 * The reserve and release handlers against a real MongoDB wire protocol server, for what
 * they publish: each decision's event goes out from the handler, with nothing written to an
 * outbox, and when that publish fails (a crash, a broker that is down) the event that caused
 * it, delivered again, publishes the same event again, while the stock moves once. The
 * publisher here records what it is asked and can be made to fail; its own spec runs it
 * against the broker.
 */
describe('reservations publish their own events (integration)', () => {
  let connection: Connection;
  let products: Model<ProductDocument>;
  let reservations: Model<ReservationDocument>;
  let reserve: ReserveStockHandler;
  let release: ReleaseStockHandler;
  const publisher = new PublishRecorder<OutboxMessage>();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await mongoose.createConnection(infraEnv().MONGODB_URI, { dbName: uniqueName('it-reservations') }).asPromise();
    products = connection.model<ProductDocument>(PRODUCT_MODEL, ProductSchema);
    reservations = connection.model<ReservationDocument>(RESERVATION_MODEL, ReservationSchema);
    const productRepository = new ProductRepository(products);
    const reservationRepository = new ReservationRepository(reservations);
    const metrics = new ReservationMetrics(new Registry());
    reserve = new ReserveStockHandler(productRepository, reservationRepository, metrics, publisher as never);
    release = new ReleaseStockHandler(productRepository, reservationRepository, metrics, publisher as never);
    await new ProductRepository(products).upsert('IT-MUG', { name: 'Mug', price: 1250, currency: 'USD', available: 1_000_000 });
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const sku = async (name: string, available: number) => {
    const id = uniqueName(name);
    await new ProductRepository(products).upsert(id, { name, price: 1250, currency: 'USD', available });
    return id;
  };
  const stock = async (id: string) => {
    const doc = await products.findById(id).lean<ProductDocument>().exec();
    return { available: doc?.available, reserved: doc?.reserved, holds: Object.keys(doc?.holds ?? {}) };
  };
  const stored = (orderId: string) => reservations.findById(orderId).lean<ReservationDocument>().exec();
  const publishedFor = (orderId: string) => publisher.for(orderId);
  const created = (orderId: string, lines: { sku: string; quantity: number }[], eventId: string) =>
    reserve.execute({ orderId, lines, currency: 'USD', eventId });
  const cancelled = (orderId: string, eventId: string) => release.execute({ orderId, lines: [], currency: 'USD', eventId });

  it('publishes InventoryReserved from the handler, keeps it with the reservation, and writes no outbox entry', async () => {
    const [mug, orderId] = [await sku('MUG', 5), randomUUID()];
    await created(orderId, [{ sku: mug, quantity: 2 }], randomUUID());

    const reservation = await stored(orderId);
    expect(reservation?.status).toBe('RESERVED');
    expect(reservation?.outbox ?? []).toEqual([]);
    expect(reservation?.announced.map((e) => e.type)).toEqual([InventoryReservedSchema.typeName]);
    expect(publishedFor(orderId).map((e) => e.eventId)).toEqual([reservation?.announced[0].eventId]);
    expect(await stock(mug)).toEqual({ available: 3, reserved: 2, holds: [] });
  });

  it('publishes the same outcome again, and takes nothing again, when OrderCreated comes back after its publish failed', async () => {
    const [mug, orderId, cause] = [await sku('MUG', 5), randomUUID(), randomUUID()];
    publisher.failing = 1;
    await expect(created(orderId, [{ sku: mug, quantity: 2 }], cause)).rejects.toThrow(PUBLISH_FAILED);
    expect(publishedFor(orderId)).toEqual([]);

    await created(orderId, [{ sku: mug, quantity: 2 }], cause);
    const reservation = await stored(orderId);
    expect(publishedFor(orderId).map((e) => e.eventId)).toEqual([reservation?.announced[0].eventId]);
    expect(await stock(mug)).toEqual({ available: 3, reserved: 2, holds: [] });
  });

  it('publishes a rejection again when OrderCreated comes back after its publish failed', async () => {
    const [mug, orderId, cause] = [await sku('MUG', 1), randomUUID(), randomUUID()];
    publisher.failing = 1;
    await expect(created(orderId, [{ sku: mug, quantity: 2 }], cause)).rejects.toThrow(PUBLISH_FAILED);
    await created(orderId, [{ sku: mug, quantity: 2 }], cause);

    expect(publishedFor(orderId).map((e) => e.type)).toEqual([InventoryRejectedSchema.typeName]);
    expect(publishedFor(orderId)[0].eventId).toBe((await stored(orderId))?.announced[0].eventId);
    expect(await stock(mug)).toEqual({ available: 1, reserved: 0, holds: [] });
  });

  it('releases once and publishes the same InventoryReleased again when the cancel comes back after its publish failed', async () => {
    const [mug, orderId, cancel] = [await sku('MUG', 5), randomUUID(), randomUUID()];
    await created(orderId, [{ sku: mug, quantity: 2 }], randomUUID());
    publisher.failing = 1;
    await expect(cancelled(orderId, cancel)).rejects.toThrow(PUBLISH_FAILED);
    await cancelled(orderId, cancel);

    const reservation = await stored(orderId);
    expect(reservation?.status).toBe('RELEASED');
    expect(publishedFor(orderId).map((e) => e.type)).toEqual([InventoryReservedSchema.typeName, InventoryReleasedSchema.typeName]);
    expect(publishedFor(orderId)[1].eventId).toBe(reservation?.announced[1].eventId);
    expect(await stock(mug)).toEqual({ available: 5, reserved: 0, holds: [] });
  });

  it('publishes nothing for a decision another event made (a replay under a new id)', async () => {
    const orderId = randomUUID();
    await created(orderId, [{ sku: 'IT-MUG', quantity: 1 }], randomUUID());
    await created(orderId, [{ sku: 'IT-MUG', quantity: 1 }], randomUUID());
    await cancelled(orderId, randomUUID());
    await cancelled(orderId, randomUUID());
    expect(publishedFor(orderId).map((e) => e.type)).toEqual([InventoryReservedSchema.typeName, InventoryReleasedSchema.typeName]);
  });

  it('publishes each outcome once when the same OrderCreated is handled twice at the same time', async () => {
    const [mug, cause] = [await sku('MUG', 100), randomUUID()];
    const orderId = randomUUID();
    await Promise.all([created(orderId, [{ sku: mug, quantity: 3 }], cause), created(orderId, [{ sku: mug, quantity: 3 }], cause)]);
    const ids = publishedFor(orderId).map((e) => e.eventId);
    // Each delivery publishes the one stored outcome (the later one again, with the same id).
    expect(new Set(ids)).toEqual(new Set([(await stored(orderId))?.announced[0].eventId]));
    expect(await stock(mug)).toEqual({ available: 97, reserved: 3, holds: [] });
  });

  it('prices an order from the catalogue read for an earlier one, and takes it at the new price once the price changed', async () => {
    const mug = await sku('MUG', 10);
    const catalogueReads = jest.spyOn(products, 'find');
    const productReads = () => catalogueReads.mock.calls.filter(([, projection]) => JSON.stringify(projection) === '{"holds":0}').length;
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    await created(first, [{ sku: mug, quantity: 1 }], randomUUID());
    await created(second, [{ sku: mug, quantity: 1 }], randomUUID());
    expect(productReads()).toBe(1);

    // Repriced by another replica: the remembered price no longer takes the stock.
    await products.updateOne({ _id: mug }, { $set: { price: 1500 } });
    await created(third, [{ sku: mug, quantity: 2 }], randomUUID());
    catalogueReads.mockRestore();

    const unitPrice = (orderId: string) => {
      const [event] = publishedFor(orderId);
      const { message } = decodeEvent({ key: event.key, value: Buffer.from(event.value), headers: event.headers }) as {
        message: InventoryReserved;
      };
      return Number(message.lines[0].unitPrice);
    };
    expect([unitPrice(first), unitPrice(second), unitPrice(third)]).toEqual([1250, 1250, 1500]);
    expect((await stored(third))?.total).toBe(3000);
    expect(await stock(mug)).toEqual({ available: 6, reserved: 4, holds: [] });
  });
});
