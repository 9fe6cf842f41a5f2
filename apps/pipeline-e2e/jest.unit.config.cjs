// Unit tests of the pure parts of the benchmark, the other tools and the suite's support,
// and of npm test's own scripts (run in a scratch copy with every step stubbed): no global
// setup, nothing started. The e2e config (jest.config.cjs) matches only *.e2e.spec.ts, and
// the benchmark itself is a command (`npm run bench`), not a test, so neither target ever runs it.
module.exports = {
  displayName: 'pipeline-e2e:unit',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/src/bench/**/*.spec.ts',
    '<rootDir>/src/chaos/**/*.spec.ts',
    '<rootDir>/src/external/**/*.spec.ts',
    '<rootDir>/src/fuzz/**/*.spec.ts',
    '<rootDir>/src/npm-test/**/*.spec.ts',
    '<rootDir>/src/support/**/*.spec.ts',
  ],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
