import { ConfigError, loadConfig } from './config.loader';
import { ServiceEnv } from './service-env.config';

const valid = {
  PORT: '3000',
  KAFKA_BROKERS: '127.0.0.1:9092,kafka-1.internal:9093',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
};

function problemsOf(env: Record<string, string | undefined>) {
  try {
    loadConfig(ServiceEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns typed values with defaults for the optional ones', () => {
    const config = loadConfig(ServiceEnv, valid);
    expect(config.PORT).toBe(3000);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka-1.internal:9093']);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(config.LOG_LEVEL).toBe('log');
  });

  it.each(['PORT', 'KAFKA_BROKERS', 'MONGODB_URI'])('names a missing %s', (variable) => {
    expect(problemsOf({ ...valid, [variable]: undefined })).toEqual([
      { variable, problem: 'is missing' },
    ]);
  });

  it.each([
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_BROKERS', 'a:1,,b:2'],
    ['MONGODB_URI', 'http://db:27017'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
  ])('names a malformed %s (%s)', (variable, value) => {
    const problems = problemsOf({ ...valid, [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe(variable);
    expect(problems[0].problem).not.toBe('is missing');
  });

  it('reports every bad variable at once, in one readable message', () => {
    const error = (() => {
      try {
        loadConfig(ServiceEnv, {});
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      'invalid configuration: PORT is missing; KAFKA_BROKERS is missing; MONGODB_URI is missing',
    );
  });
});
