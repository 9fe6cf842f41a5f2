import { configProblems, loadConfig } from '@orderflow/config';
import { serviceConfig } from '@orderflow/runtime';
import { ORDER_API_CONFIG, OrderEnv } from './order-env.config';

const base = {
  PORT: '3000',
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  AUTH_JWKS_URL: 'http://127.0.0.1:3999/.well-known/jwks.json',
  AUTH_ISSUER: 'http://127.0.0.1:3999',
  AUTH_AUDIENCE: 'orderflow',
};

const problemsOf = (env: Record<string, string | undefined>) => configProblems(serviceConfig(ORDER_API_CONFIG), env);

describe('OrderEnv', () => {
  it('prices in USD and ends orders PENDING for 10 minutes, looking every 30 s, when nothing is set', () => {
    expect(loadConfig(OrderEnv, base)).toMatchObject({ CURRENCY: 'USD', PENDING_TIMEOUT_MS: 600_000, PENDING_SWEEP_INTERVAL_MS: 30_000 });
  });

  it('takes the limit and the interval from the environment', () => {
    const env = loadConfig(OrderEnv, { ...base, PENDING_TIMEOUT_MS: '5000', PENDING_SWEEP_INTERVAL_MS: '250' });
    expect(env).toMatchObject({ PENDING_TIMEOUT_MS: 5_000, PENDING_SWEEP_INTERVAL_MS: 250 });
  });

  it.each([
    ['PENDING_TIMEOUT_MS', '10'],
    ['PENDING_TIMEOUT_MS', 'soon'],
    ['PENDING_SWEEP_INTERVAL_MS', '0'],
    ['CURRENCY', 'usd'],
  ])('names a malformed %s (%s)', (variable, value) => {
    expect(problemsOf({ ...base, [variable]: value })).toEqual([{ variable, problem: expect.stringMatching(/^must be/) }]);
  });

  it('names every bad variable of runtime, the libs and order-api at once', () => {
    expect(() => loadConfig(serviceConfig(ORDER_API_CONFIG), { PENDING_TIMEOUT_MS: 'soon' })).toThrow(
      'invalid configuration: PORT is missing; KAFKA_BROKERS is missing; MONGODB_URI is missing; ' +
        'PENDING_TIMEOUT_MS must be a whole number of milliseconds, at least 1000; ' +
        'AUTH_JWKS_URL is missing; AUTH_ISSUER is missing; AUTH_AUDIENCE is missing',
    );
  });
});
