/* eslint-disable @typescript-eslint/no-explicit-any -- black-box answers are untyped JSON; the assertions check their shape */
import { eventually, uniqueName } from '@orderflow/testing';
import { call, orderReaches, placeOrder, putProduct } from './api';

export interface PointsEntry {
  orderId: string;
  points: number;
  type: 'AWARD' | 'REVERSAL';
  at: string;
}

export interface CustomerPoints {
  customerId: string;
  balance: number;
  entries: PointsEntry[];
}

export async function getPoints(customerId: string): Promise<CustomerPoints> {
  const response = await call<CustomerPoints>('points-service', 'GET', `/customers/${encodeURIComponent(customerId)}/points`);
  if (response.status !== 200) throw new Error(`GET points of ${customerId} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Polls the customer's points until `done` holds, and returns them. */
export function pointsReach(customerId: string, done: (points: CustomerPoints) => boolean, what: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const points = await getPoints(customerId);
      if (!done(points)) throw new Error(`waiting for ${what}; points of ${customerId} are ${JSON.stringify(points)}`);
      return points;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Entries of one order, oldest first, as [type, points]. */
export const movementsOf = (points: CustomerPoints, orderId: string) =>
  points.entries.filter((entry) => entry.orderId === orderId).map((entry) => [entry.type, entry.points]);

/** Places an order over a fresh product and waits until it is CONFIRMED; the total is `price * quantity`. */
export async function confirmedOrder(customerId: string, price: number, quantity = 1): Promise<any> {
  const sku = uniqueName('PTS');
  await putProduct(sku, { price, stock: quantity });
  const order = await orderReaches((await placeOrder(customerId, [{ sku, quantity }])).id);
  if (order.status !== 'CONFIRMED') throw new Error(`order ${order.id} is ${order.status}, expected CONFIRMED`);
  return order;
}
