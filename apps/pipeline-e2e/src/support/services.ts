/** The four services, their databases, and the env variable that points the suite at a deployed one. */
export const SERVICES = [
  { name: 'order-api', database: 'orders', urlVariable: 'ORDER_API_URL' },
  { name: 'inventory-service', database: 'inventory', urlVariable: 'INVENTORY_URL' },
  { name: 'points-service', database: 'points', urlVariable: 'POINTS_URL' },
  { name: 'notification-service', database: 'notifications', urlVariable: 'NOTIFICATIONS_URL' },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];

/** Base URL of each service under test, as the global setup published it. */
export function serviceUrl(name: ServiceName): string {
  const service = SERVICES.find((s) => s.name === name);
  const url = service && process.env[service.urlVariable];
  if (!url) throw new Error(`${service?.urlVariable ?? name} is not set: run the suite with \`nx e2e pipeline-e2e\``);
  return url;
}

/** The service under test that `url` goes to, if any. */
export function serviceAt(url: string): ServiceName | undefined {
  return SERVICES.find((s) => {
    const base = process.env[s.urlVariable]?.replace(/\/$/, '');
    return base !== undefined && base !== '' && (url === base || url.startsWith(`${base}/`));
  })?.name;
}

/** True when the suite drives services it started itself (and so may kill and restart them). */
export const localServices = () => process.env['E2E_LOCAL_SERVICES'] === 'true';

/** Where each test file keeps why its skipped describe blocks were skipped (read by the suite's environment). */
export const SKIP_REASONS_KEY = '__E2E_SKIP_REASONS__';

/**
 * `describe` for tests that must start, stop or reconfigure services themselves, so they
 * run only against services the suite started. Against a deployment the block is skipped,
 * and the run's summary names its tests with `why` (what the block would do to the services).
 */
export function withOwnServices(why: string): (title: string, body: () => void) => void {
  if (localServices()) return describe;
  return (title, body) => {
    const global = globalThis as unknown as Record<string, Record<string, string> | undefined>;
    global[SKIP_REASONS_KEY] = { ...global[SKIP_REASONS_KEY], [title]: why };
    describe.skip(title, body);
  };
}
