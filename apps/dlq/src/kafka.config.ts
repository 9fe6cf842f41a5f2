import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { UsageError } from './cli/exit-codes';

const ROOT = resolve(__dirname, '../../..');

/**
 * The Kafka the tool talks to: `KAFKA_BROKERS` (with the services' `KAFKA_SSL` and
 * `KAFKA_SASL_*`), or else the env file `npm run infra -- up` wrote in `INFRA_DIR` (`.infra`).
 */
export function kafkaFromEnv(env: NodeJS.ProcessEnv = process.env): Kafka {
  let brokers = env['KAFKA_BROKERS'];
  if (!brokers) {
    const file = join(resolve(ROOT, env['INFRA_DIR'] ?? '.infra'), 'env');
    const line = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .find((l) => l.startsWith('KAFKA_BROKERS='))
      : undefined;
    brokers = line?.slice('KAFKA_BROKERS='.length);
  }
  if (!brokers) throw new UsageError('KAFKA_BROKERS is not set and no local infrastructure runs (`npm run infra -- up`)');
  if (!/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/.test(brokers)) {
    throw new UsageError(`KAFKA_BROKERS "${brokers}" must be a comma-separated list of host:port`);
  }
  const mechanism = env['KAFKA_SASL_MECHANISM'];
  const sasl = mechanism
    ? ({ mechanism, username: env['KAFKA_SASL_USERNAME'] ?? '', password: env['KAFKA_SASL_PASSWORD'] ?? '' } as SASLOptions)
    : undefined;
  return new Kafka({
    clientId: 'orderflow-dlq',
    brokers: brokers.split(','),
    ssl: env['KAFKA_SSL'] === 'true',
    sasl,
    logLevel: logLevel.NOTHING,
    // A script wants an answer, not minutes of retries against a broker that is gone.
    retry: { retries: 3 },
    connectionTimeout: 5_000,
  });
}
