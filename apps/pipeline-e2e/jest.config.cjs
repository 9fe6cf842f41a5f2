// Against a deployment (all four service URLs set) the suite waits whenever the
// deployment's rate limits tell it to (429 with Retry-After, a minute at a time by
// default), so a test there may take many minutes; against services it starts itself,
// with limits far above its load, two minutes is plenty.
const deployed = ['ORDER_API_URL', 'INVENTORY_URL', 'POINTS_URL', 'NOTIFICATIONS_URL'].every((name) => process.env[name]);

module.exports = {
  displayName: 'pipeline-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/src/support/pipeline.environment.ts',
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: deployed ? 1_800_000 : 120_000,
};
