import { uniqueName } from '@orderflow/testing';
import { orderReaches, placeOrder, putProduct } from '../support/api';

/**
 * How fast the pipeline takes orders to a final state, as numbers (no pass/fail on
 * timing): the latency of one order on an idle stack, and the throughput of bursts.
 */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const report = (line: string) => process.stdout.write(`${line}\n`);

describe('pipeline benchmark', () => {
  it('latency: placed → CONFIRMED, one order at a time', async () => {
    const sku = uniqueName('BENCH');
    await putProduct(sku, { price: 100, stock: 1_000_000 });
    await orderReaches((await placeOrder('bench', [{ sku, quantity: 1 }])).id); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      const order = await placeOrder('bench', [{ sku, quantity: 1 }]);
      await orderReaches(order.id, ['CONFIRMED']);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    report(`latency over ${samples.length} orders: p50 ${percentile(samples, 50).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms, max ${samples[samples.length - 1].toFixed(0)} ms`);
  });

  it.each([50, 200])('throughput: a burst of %i orders to a final state', async (count) => {
    const skus = Array.from({ length: 10 }, () => uniqueName('BENCH'));
    for (const sku of skus) await putProduct(sku, { price: 100, stock: 1_000_000 });
    const started = performance.now();
    const placed = await Promise.all(
      Array.from({ length: count }, (_, i) => placeOrder(`bench-${i % 25}`, [{ sku: skus[i % skus.length], quantity: 1 }])),
    );
    const accepted = performance.now() - started;
    await Promise.all(placed.map((order) => orderReaches(order.id, undefined, 300_000)));
    const total = performance.now() - started;
    report(
      `burst of ${count}: all accepted in ${accepted.toFixed(0)} ms (${((count / accepted) * 1000).toFixed(0)}/s), ` +
        `all final in ${total.toFixed(0)} ms (${((count / total) * 1000).toFixed(1)} orders/s)`,
    );
  });
});
