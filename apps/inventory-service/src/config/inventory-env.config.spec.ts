import { ConfigError, loadConfig } from '@orderflow/config';
import { serviceConfig } from '@orderflow/runtime';
import { INVENTORY_SERVICE_CONFIG, InventoryEnv } from './inventory-env.config';

const base = {
  PORT: '3001',
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  AUTH_JWKS_URL: 'https://issuer.example.com/.well-known/jwks.json',
  AUTH_ISSUER: 'https://issuer.example.com',
  AUTH_AUDIENCE: 'orderflow',
};

describe('InventoryEnv', () => {
  it('prices in USD unless CURRENCY says otherwise', () => {
    expect(loadConfig(InventoryEnv, base).CURRENCY).toBe('USD');
    expect(loadConfig(InventoryEnv, { ...base, CURRENCY: 'EUR' }).CURRENCY).toBe('EUR');
  });

  it("names a CURRENCY that is not an ISO 4217 code, along with the libs' variables", () => {
    expect(() => loadConfig(serviceConfig(INVENTORY_SERVICE_CONFIG), { ...base, KAFKA_BROKERS: 'kafka', CURRENCY: 'euro' })).toThrow(
      new ConfigError([
        { variable: 'KAFKA_BROKERS', problem: 'must be a comma-separated list of host:port' },
        { variable: 'CURRENCY', problem: 'must be an ISO 4217 code such as USD' },
      ]),
    );
  });
});
