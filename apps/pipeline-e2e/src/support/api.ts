/* eslint-disable @typescript-eslint/no-explicit-any -- black-box answers are untyped JSON; the assertions check their shape */
import { eventually } from '@orderflow/testing';
import { serviceUrl, type ServiceName } from './services';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One JSON request to a service under test; the body is parsed whatever the status. */
export async function call<T = any>(
  service: ServiceName,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${serviceUrl(service)}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export const FINAL = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

export interface OrderLine {
  sku: string;
  quantity: number;
}

export async function placeOrder(customerId: string, items: OrderLine[], headers: Record<string, string> = {}) {
  const response = await call('order-api', 'POST', '/orders', { customerId, items }, headers);
  if (response.status !== 202) throw new Error(`POST /orders answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function getOrder(id: string) {
  const response = await call('order-api', 'GET', `/orders/${id}`);
  if (response.status !== 200) throw new Error(`GET /orders/${id} answered ${response.status}`);
  return response.body;
}

/** Polls until the order is in one of `statuses` (any final status by default). */
export function orderReaches(id: string, statuses = FINAL, timeoutMs = 30_000) {
  return eventually(async () => {
    const order = await getOrder(id);
    if (!statuses.includes(order.status)) throw new Error(`order ${id} is ${order.status}, waiting for ${statuses.join('/')}`);
    return order;
  }, { timeoutMs, intervalMs: 50 });
}

export async function putProduct(sku: string, product: { name?: string; price: number; stock: number }) {
  const response = await call('inventory-service', 'PUT', `/products/${sku}`, { name: sku, ...product });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`PUT /products/${sku} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export async function getProduct(sku: string) {
  const response = await call('inventory-service', 'GET', `/products/${sku}`);
  if (response.status !== 200) throw new Error(`GET /products/${sku} answered ${response.status}`);
  return response.body;
}
