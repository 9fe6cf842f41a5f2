import { join, resolve } from 'node:path';

/** Repository root: tools/infra/ is two levels down. */
export const ROOT = resolve(__dirname, '../..');

/** Everything the tool downloads, builds, stores or logs lives here (git-ignored). */
export const INFRA_DIR = resolve(process.env['INFRA_DIR'] ?? join(ROOT, '.infra'));

export const paths = {
  cache: join(INFRA_DIR, 'cache'),
  data: join(INFRA_DIR, 'data'),
  logs: join(INFRA_DIR, 'logs'),
  run: join(INFRA_DIR, 'run'),
  /** KEY=VALUE lines for the services and tests: where Kafka and MongoDB are. */
  envFile: join(INFRA_DIR, 'env'),
  logFile: (name: string) => join(INFRA_DIR, 'logs', `${name}.log`),
  pidFile: (name: string) => join(INFRA_DIR, 'run', `${name}.pid`),
};

const port = (variable: string, fallback: number): number => {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new UsageError(`${variable} must be a port number, got "${value}"`);
  }
  return Number(value);
};

/** A problem the user can fix; printed as one line, without a stack trace. */
export class UsageError extends Error {}

export const ports = () => ({
  kafka: port('KAFKA_PORT', 9092),
  kafkaController: port('KAFKA_CONTROLLER_PORT', 9093),
  mongo: port('MONGO_PORT', 27017),
});
