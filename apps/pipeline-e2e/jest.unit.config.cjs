// Unit tests of the suite's own support, of running it against a stack (src/external) and of
// npm test's own scripts (run in a scratch copy with every step stubbed): no global setup,
// nothing started. The e2e config (jest.config.cjs) matches only *.e2e.spec.ts. The tools
// (tools/bench, chaos, fuzz, …) and the stack client (libs/stack) test themselves.
module.exports = {
  displayName: 'pipeline-e2e:unit',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/external/**/*.spec.ts', '<rootDir>/src/npm-test/**/*.spec.ts', '<rootDir>/src/support/**/*.spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
