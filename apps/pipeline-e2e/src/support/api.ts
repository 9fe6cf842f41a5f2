/* eslint-disable @typescript-eslint/no-explicit-any -- black-box answers are untyped JSON; the assertions check their shape */
import { eventually, SCOPES, TokenCache } from '@orderflow/testing';
import { serviceUrl, type ServiceName } from './services';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

let cache: TokenCache | undefined;

/** Tokens from the issuer the services under test trust (the global setup starts one). */
export function tokens(): TokenCache {
  const url = process.env['TOKEN_ISSUER_URL'];
  if (!url) throw new Error('TOKEN_ISSUER_URL is not set: run the suite with `nx e2e pipeline-e2e`');
  cache ??= new TokenCache(url);
  return cache;
}

/** A customer's own token: no scopes, acts only as this customer. */
export const customerToken = (customerId: string) => tokens().get(customerId);

/** Staff with every scope: reads and cancels for anyone, administers products. */
export const STAFF_SCOPES = [SCOPES.staffRead, SCOPES.staffCancel, SCOPES.inventoryAdmin];
export const staffToken = () => tokens().get('e2e-staff', STAFF_SCOPES);

/**
 * Who makes a request when a test does not say: the customer an order is placed for (only
 * they may place it), staff with every scope for everything else.
 */
async function defaultAuthorization(service: ServiceName, method: string, path: string, body: unknown): Promise<string> {
  const customerId = (body as { customerId?: unknown } | undefined)?.customerId;
  if (service === 'order-api' && method === 'POST' && path === '/orders' && typeof customerId === 'string' && customerId !== '') {
    return `Bearer ${await customerToken(customerId)}`;
  }
  return `Bearer ${await staffToken()}`;
}

/**
 * One JSON request to a service under test; the body is parsed whatever the status. It is
 * authenticated as `defaultAuthorization` says unless `headers` has an `authorization` of
 * its own (an empty one sends none).
 */
export async function call<T = any>(
  service: ServiceName,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const { authorization = await defaultAuthorization(service, method, path, body), ...rest } = headers;
  const response = await fetch(`${serviceUrl(service)}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(authorization && { authorization }),
      ...rest,
    },
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
