/* eslint-disable @typescript-eslint/no-explicit-any -- black-box answers are untyped JSON; the assertions check their shape */
import { eventually, SCOPES, TokenCache } from '@orderflow/testing';
import { fetchWithinRateLimits } from './rate-limit.retry';
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

const CUSTOMER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The customer of each order placed through `call` in this test file. */
const owners = new Map<string, string>();

/** The customer who placed `orderId` (through this file's `call`), if known. */
export const ownerOf = (orderId: string): string | undefined => owners.get(orderId);

/** `value` when it is one valid customer id, as a token subject can be. */
const customerIdOr = (value: string | undefined): string | undefined =>
  value !== undefined && CUSTOMER_ID.test(value) ? value : undefined;

/** The only value of query parameter `name`; a repeated or absent one has none. */
const single = (query: URLSearchParams, name: string): string | undefined => {
  const values = query.getAll(name);
  return values.length === 1 ? values[0] : undefined;
};

/**
 * The customer a request reads for, when it reads one customer's own things: their orders
 * (by id or listed by customerId), an order's timeline, their points, their notifications
 * (by customerId or by order id). Malformed ids and anything else have none.
 */
function readsFor(service: ServiceName, method: string, path: string): string | undefined {
  if (method !== 'GET') return undefined;
  const url = new URL(path, 'http://e2e.invalid');
  const segments = url.pathname.split('/').slice(1);
  let customerId: string | undefined;
  try {
    if (service === 'order-api' && url.pathname === '/orders') customerId = single(url.searchParams, 'customerId');
    else if (
      service === 'order-api' &&
      segments[0] === 'orders' &&
      (segments.length === 2 || (segments.length === 3 && segments[2] === 'timeline'))
    )
      customerId = ownerOf(segments[1]);
    else if (service === 'points-service' && segments.length === 3 && segments[0] === 'customers' && segments[2] === 'points')
      customerId = decodeURIComponent(segments[1]);
    else if (service === 'notification-service' && url.pathname === '/notifications') {
      const orderId = single(url.searchParams, 'orderId');
      customerId = url.searchParams.has('customerId') ? single(url.searchParams, 'customerId') : orderId && ownerOf(orderId);
    }
  } catch {
    return undefined; // a malformed escape: the request is about bad input, not a customer
  }
  return customerIdOr(customerId);
}

/**
 * Who makes a request when a test does not say: the customer an order is placed for (only
 * they may place it); the customer whose own orders, timelines, points or notifications it
 * reads; staff with every scope for the rest. Rate limits count per caller, so reads spread
 * over the customers a test has stay within a deployment's limits where one staff
 * identity reading for all of them would not.
 */
async function defaultAuthorization(service: ServiceName, method: string, path: string, body: unknown): Promise<string> {
  const customerId = (body as { customerId?: unknown } | undefined)?.customerId;
  if (service === 'order-api' && method === 'POST' && path === '/orders' && typeof customerId === 'string' && customerId !== '') {
    return `Bearer ${await customerToken(customerId)}`;
  }
  const reader = readsFor(service, method, path);
  return `Bearer ${reader ? await customerToken(reader) : await staffToken()}`;
}

/**
 * One JSON request to a service under test; the body is parsed whatever the status. It is
 * authenticated as `defaultAuthorization` says unless `headers` has an `authorization` of
 * its own (an empty one sends none), and waits out the services' rate limits
 * (`fetchWithinRateLimits`).
 */
export async function call<T = any>(
  service: ServiceName,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const { authorization = await defaultAuthorization(service, method, path, body), ...rest } = headers;
  const response = await fetchWithinRateLimits(`${serviceUrl(service)}${path}`, {
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
  const placed = parsed as { id?: unknown; customerId?: unknown } | undefined;
  if (service === 'order-api' && method === 'POST' && path === '/orders' && response.status === 202 && typeof placed?.id === 'string') {
    owners.set(placed.id, String(placed.customerId));
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
  return eventually(
    async () => {
      const order = await getOrder(id);
      if (!statuses.includes(order.status)) throw new Error(`order ${id} is ${order.status}, waiting for ${statuses.join('/')}`);
      return order;
    },
    { timeoutMs, intervalMs: 50 },
  );
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
