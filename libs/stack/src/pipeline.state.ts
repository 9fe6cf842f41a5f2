import { Topics } from '@orderflow/contracts';
import { call, getProduct } from './api';
import { ordersOf } from './convergence';
import type { Admin } from 'kafkajs';
import { caughtUp, partitionsBehind, withKafkaAdmin } from './kafka-admin';
import { listNotifications } from './notifications';
import { getPoints } from './points';
import { SERVICES } from './services';
import type { PipelineState } from './invariants.check';
import type { Product } from './order.mix';

/** Runs `work` over `items` with at most `limit` at a time, so reads never swamp the services. */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Customers (of `customers`) with a PENDING order among the oldest pending page. */
const withPending = async (customers: ReadonlySet<string>): Promise<Set<string>> => {
  const path = '/orders?status=PENDING&limit=100';
  const page = await call<{ items: { customerId: string }[] }>('order-api', 'GET', path);
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
  return new Set(page.body.items.map((o) => o.customerId).filter((c) => customers.has(c)));
};

/** Events on the pipeline's topics that some service has not consumed yet. */
async function eventsBehind(admin: Admin): Promise<number> {
  let behind = 0n;
  for (const s of SERVICES) for (const p of await partitionsBehind(admin, s.name)) behind += p.high - p.position;
  return Number(behind);
}

/**
 * Waits until none of these customers has a PENDING order. While events are still waiting to
 * be consumed it asks only Kafka (consumer lag); once every service has caught up it asks
 * order-api once for PENDING orders, so the benchmark's own reads add little to what it
 * measures. Each run places orders for customers of its own, so a page
 * of PENDING orders without them means they are all final. Returns false at the deadline.
 */
export async function waitAllFinal(customers: readonly string[], deadline: number, progress: (behind: number) => void): Promise<boolean> {
  const own = new Set(customers);
  return withKafkaAdmin(async (admin) => {
    for (;;) {
      const behind = await eventsBehind(admin);
      progress(behind);
      if (behind === 0 && (await withPending(own)).size === 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}

/** Waits until every service has consumed all there is for it (points and notifications trail the orders). */
export async function waitCaughtUp(timeoutMs: number): Promise<boolean> {
  try {
    for (const s of SERVICES) await caughtUp(s.name, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/**
 * The run's end state through the public APIs. Notifications come per customer; a list
 * that fills its one page (100) may be cut short, so that customer's are read per order.
 */
export async function readState(products: readonly Product[], customers: readonly string[], accepted: number): Promise<PipelineState> {
  const orders = (await inPool(customers, 8, ordersOf)).flat();
  const stock = await inPool(products, 8, async ({ sku, stock }) => {
    const { available, reserved } = await getProduct(sku);
    return { sku, stock, available, reserved };
  });
  const ledgers = await inPool(customers, 8, getPoints);
  const notifications = (
    await inPool(customers, 8, async (customerId) => {
      const items = await listNotifications({ customerId, limit: '100' });
      if (items.length < 100) return items;
      const own = orders.filter((o) => o.customerId === customerId);
      return (await inPool(own, 8, (o) => listNotifications({ orderId: o.id }))).flat();
    })
  ).flat();
  return { products: stock, orders, accepted, ledgers, notifications };
}

/** Messages on the pipeline's topics so far (the sum of their partitions' end offsets). */
export function messagesOnTopics(): Promise<number> {
  return withKafkaAdmin(async (admin) => {
    let total = 0;
    for (const topic of Object.values(Topics)) {
      for (const { high } of await admin.fetchTopicOffsets(topic.name)) total += Number(high);
    }
    return total;
  });
}
