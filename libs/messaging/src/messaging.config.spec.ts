import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MessagingConfig } from './messaging.config';

const load = (env: Record<string, string | undefined>) => plainToInstance(MessagingConfig, env, { exposeDefaultValues: true });
const problemsOf = (env: Record<string, string | undefined>) => validateSync(load(env)).map((e) => e.property);

describe('MessagingConfig', () => {
  it('reads the brokers, with defaults for the timings', () => {
    const config = load({ KAFKA_BROKERS: '127.0.0.1:9092,kafka-1.internal:9093' });
    expect(validateSync(config)).toEqual([]);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka-1.internal:9093']);
    expect(config).toMatchObject({ KAFKA_SESSION_TIMEOUT_MS: 6_000, CONSUMER_RETRY_INITIAL_MS: 200, OUTBOX_SWEEP_INTERVAL_MS: 10_000 });
  });

  it.each([
    ['KAFKA_BROKERS', undefined],
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_BROKERS', 'a:1,,b:2'],
    ['KAFKA_SESSION_TIMEOUT_MS', '5000'],
    ['KAFKA_SASL_MECHANISM', 'kerberos'],
    ['OUTBOX_SWEEP_INTERVAL_MS', 'often'],
  ])('names a missing or malformed %s (%s)', (variable, value) => {
    expect(problemsOf({ KAFKA_BROKERS: 'kafka:9092', [variable]: value })).toEqual([variable]);
  });
});
