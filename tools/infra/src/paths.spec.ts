import { extraListeners, ports, UsageError } from './paths';

/** Runs `read` with the given variables set (undefined: unset), restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, read: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return read();
  } finally {
    apply(saved);
  }
}

describe('infra ports', () => {
  it('defaults to the standard ports when a variable is unset or empty', () => {
    const unset = { KAFKA_PORT: undefined, KAFKA_CONTROLLER_PORT: undefined, MONGO_PORT: '' };
    expect(withEnv(unset, ports)).toEqual({ kafka: 9092, kafkaController: 9093, mongo: 27017 });
  });

  it('takes each port from its variable', () => {
    expect(withEnv({ KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '19093', MONGO_PORT: '37017' }, ports)).toEqual({
      kafka: 19092,
      kafkaController: 19093,
      mongo: 37017,
    });
  });

  it.each(['0', '65536', '90 92', 'kafka'])('refuses %j as a port, naming the variable', (value) => {
    expect(() => withEnv({ MONGO_PORT: value }, ports)).toThrow(new UsageError(`MONGO_PORT must be a port number, got "${value}"`));
  });
});

describe('KAFKA_EXTRA_LISTENERS', () => {
  it('is none when unset', () => {
    expect(withEnv({ KAFKA_EXTRA_LISTENERS: undefined }, extraListeners)).toEqual([]);
  });

  it('reads NAME:port:advertisedPort entries', () => {
    expect(withEnv({ KAFKA_EXTRA_LISTENERS: 'ORDERS:40001:40101, POINTS:40002:40102' }, extraListeners)).toEqual([
      { name: 'ORDERS', port: 40001, advertisedPort: 40101 },
      { name: 'POINTS', port: 40002, advertisedPort: 40102 },
    ]);
  });

  it.each(['PLAINTEXT:1:2', 'CONTROLLER:1:2', 'orders:1:2', 'ORDERS:1'])('refuses %j, which would clash or cannot be read', (entry) => {
    expect(() => withEnv({ KAFKA_EXTRA_LISTENERS: entry }, extraListeners)).toThrow(UsageError);
  });
});
