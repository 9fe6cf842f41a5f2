import { eventually, uniqueName, type ServiceProcess } from '@orderflow/testing';
import {
  getProduct,
  orderReaches,
  placeOrder,
  putProduct,
  killService,
  startReplica,
  startServiceAgain,
  notificationsSent,
  listNotifications,
  countByKind,
} from '@orderflow/stack';
import { withOwnServices } from './support/own-services';
import { countByType, getTimeline, timelineIncludes } from './support/timeline';

const localOnly = withOwnServices('it restarts order-api with a 3-second PENDING limit, adds a replica, and stops inventory-service');

/** A limit short enough for a test; the sweep looks often so the test does not wait for it. */
const SHORT_LIMIT = { PENDING_TIMEOUT_MS: '3000', PENDING_SWEEP_INTERVAL_MS: '200' };
const DEFAULTS = { PENDING_TIMEOUT_MS: undefined, PENDING_SWEEP_INTERVAL_MS: undefined };

localOnly('an order PENDING past the limit (ADR 0004), with inventory answering only later', () => {
  let replica: ServiceProcess | undefined;
  let inventoryDown = false;

  afterAll(async () => {
    await replica?.stop();
    // Whatever happened, leave the suite's services as the other tests expect them.
    await killService('order-api', 'SIGTERM');
    await startServiceAgain('order-api', DEFAULTS);
    if (inventoryDown) await startServiceAgain('inventory-service');
  }, 300_000);

  it('is rejected (TIMEOUT) once by one of two order-api replicas, and what inventory reserves late is released, never kept', async () => {
    const sku = uniqueName('LATE');
    await putProduct(sku, { price: 1250, stock: 5 });

    // Inventory is down, so nothing answers; two order-api replicas both sweep for overdue orders.
    await killService('inventory-service', 'SIGTERM');
    inventoryDown = true;
    await killService('order-api', 'SIGTERM');
    await startServiceAgain('order-api', SHORT_LIMIT);
    replica = await startReplica('order-api', SHORT_LIMIT);

    const customerId = uniqueName('late');
    const placed = await placeOrder(customerId, [{ sku, quantity: 2 }]);
    const rejected = await orderReaches(placed.id, ['REJECTED'], 60_000);
    expect(rejected.rejection).toEqual({ reason: 'TIMEOUT', skus: [] });

    // Inventory comes back: it reads OrderCreated first (and reserves), then the rejection.
    await startServiceAgain('inventory-service');
    inventoryDown = false;
    await timelineIncludes(placed.id, ['InventoryReserved', 'InventoryReleased'], 120_000);
    await eventually(
      async () => {
        const product = await getProduct(sku);
        if (product.reserved !== 0) throw new Error(`${sku} still has ${product.reserved} reserved`);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(await getProduct(sku)).toMatchObject({ available: 5, reserved: 0 });

    // The late reservation changed nothing at order-api, and nothing happened twice.
    expect((await orderReaches(placed.id, ['REJECTED'])).rejection).toEqual({ reason: 'TIMEOUT', skus: [] });
    await notificationsSent({ orderId: placed.id }, ['ORDER_REJECTED'], 60_000);
    const counts = countByType(await getTimeline(placed.id));
    expect(counts).toMatchObject({ OrderCreated: 1, OrderRejected: 1, InventoryReserved: 1, InventoryReleased: 1 });
    expect(counts['OrderConfirmed']).toBeUndefined();
    expect(countByKind(await listNotifications({ orderId: placed.id }))).toEqual({ ORDER_REJECTED: 1 });

    // With the usual limit again, the released stock serves the next order in full, and no more.
    await replica.stop();
    replica = undefined;
    await killService('order-api', 'SIGTERM');
    await startServiceAgain('order-api', DEFAULTS);
    const all = await placeOrder(customerId, [{ sku, quantity: 5 }]);
    expect((await orderReaches(all.id, ['CONFIRMED', 'REJECTED'], 60_000)).status).toBe('CONFIRMED');
    const more = await placeOrder(customerId, [{ sku, quantity: 1 }]);
    expect((await orderReaches(more.id, ['CONFIRMED', 'REJECTED'], 60_000)).rejection).toEqual({ reason: 'OUT_OF_STOCK', skus: [sku] });
    expect(await getProduct(sku)).toMatchObject({ available: 0, reserved: 5 });
  }, 600_000);
});
