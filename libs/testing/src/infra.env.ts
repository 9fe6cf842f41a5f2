import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InfraEnv {
  KAFKA_BROKERS: string;
  MONGODB_URI: string;
}

const ENV_FILE = join(__dirname, '../../../.infra/env');

/**
 * Where the tests find Kafka and MongoDB: the environment when both variables are set,
 * otherwise the file `npm run infra -- up` writes. No guessing: without either, the test
 * run stops with the command that fixes it.
 */
export function infraEnv(): InfraEnv {
  const { KAFKA_BROKERS, MONGODB_URI } = process.env;
  if (KAFKA_BROKERS && MONGODB_URI) return { KAFKA_BROKERS, MONGODB_URI };
  if (!existsSync(ENV_FILE)) {
    throw new Error('Kafka and MongoDB are not configured: run `npm run infra -- up` first ' + '(or set KAFKA_BROKERS and MONGODB_URI)');
  }
  const entries = readFileSync(ENV_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  const env = Object.fromEntries(entries) as Partial<InfraEnv>;
  if (!env.KAFKA_BROKERS || !env.MONGODB_URI) throw new Error(`${ENV_FILE} lacks KAFKA_BROKERS or MONGODB_URI`);
  return { KAFKA_BROKERS: env.KAFKA_BROKERS, MONGODB_URI: env.MONGODB_URI };
}
