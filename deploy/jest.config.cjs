module.exports = {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // Builds (or finds) the pinned Helm binary once, before any test file runs.
  globalSetup: '<rootDir>/src/helm.global-setup.ts',
  coverageDirectory: '../coverage/deploy',
};
