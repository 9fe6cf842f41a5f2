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
