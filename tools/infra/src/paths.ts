import { join, resolve } from 'node:path';

/** Repository root: tools/infra/src/ is three levels down. */
export const ROOT = resolve(__dirname, '../../..');

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

/** A listener of the broker's besides the plain one: where it listens, and what it tells clients. */
export interface ExtraListener {
  name: string;
  port: number;
  advertisedPort: number;
}

/**
 * `KAFKA_EXTRA_LISTENERS=NAME:port:advertisedPort,…`: more listeners on 127.0.0.1, each telling
 * its clients to come back on another port. Clients then reach the broker only through what
 * listens there (the fault-injection suite puts a TCP proxy per service), so cutting that
 * cuts exactly them off.
 */
export const extraListeners = (): ExtraListener[] => {
  const value = process.env['KAFKA_EXTRA_LISTENERS'] ?? '';
  if (value === '') return [];
  return value.split(',').map((entry) => {
    const match = /^([A-Z][A-Z0-9_]*):(\d+):(\d+)$/.exec(entry.trim());
    if (!match || ['PLAINTEXT', 'CONTROLLER'].includes(match[1])) {
      throw new UsageError(
        `KAFKA_EXTRA_LISTENERS must be NAME:port:advertisedPort entries, comma-separated (NAME in capitals, not PLAINTEXT or CONTROLLER), got "${entry}"`,
      );
    }
    return { name: match[1], port: Number(match[2]), advertisedPort: Number(match[3]) };
  });
};
