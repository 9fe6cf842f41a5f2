import { ConsumerGroups, Topics } from '@orderflow/contracts';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { configProblems } from '@orderflow/config';
import { serviceConfig } from '@orderflow/runtime';

export type ServiceName = keyof typeof ConsumerGroups;

export interface ServiceSpec {
  readonly name: ServiceName;
  /** The HTTP port the service listens on by default (SPEC, "Services"). */
  readonly port: number;
  /** The MongoDB database it owns. */
  readonly database: string;
  /** Reachable from outside the cluster (through the ingress controller). */
  readonly public: boolean;
}

/**
 * What a deployment must know about each app that the apps themselves do not export.
 * A test checks it against apps/ and the topic registry, so a new app cannot be forgotten.
 */
export const SERVICES: readonly ServiceSpec[] = [
  { name: 'order-api', port: 3000, database: 'orders', public: true },
  { name: 'inventory-service', port: 3001, database: 'inventory', public: false },
  { name: 'points-service', port: 3002, database: 'points', public: false },
  { name: 'notification-service', port: 3003, database: 'notifications', public: false },
];

/**
 * The most replicas of a service that can all hold work: each replica of a consumer group
 * needs a partition of every topic it reads, so the topic with the fewest partitions decides.
 */
export function partitionCap(service: ServiceName): number {
  return Math.min(...ConsumerGroups[service].topics.map((key) => Topics[key].partitions));
}

/** What every service validates at start: runtime's config classes and those of the libs every app configures. */
const SERVICE_CONFIG = serviceConfig([MessagingConfig, MongoConfig]);

/**
 * The variables a service refuses to start without, asked of the services' own config classes:
 * validating an empty environment names exactly the required ones (PORT, KAFKA_BROKERS,
 * MONGODB_URI, AUTH_* today), so the deployment checks follow the libs without a copied list.
 */
export function requiredEnv(): string[] {
  return configProblems(SERVICE_CONFIG, {})
    .map((p) => p.variable)
    .sort();
}

/** Problems the services' own validation finds in these values, as `NAME problem` lines. */
export function envProblems(env: Record<string, string>): string[] {
  return configProblems(SERVICE_CONFIG, env).map((p) => `${p.variable} ${p.problem}`);
}
