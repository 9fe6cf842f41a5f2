// Benchmarks: the e2e global setup (four real services), but files that report numbers
// instead of asserting on timings. Run with `npx nx run pipeline-e2e:bench`.
const e2e = require('./jest.config.cjs');

module.exports = { ...e2e, displayName: 'pipeline-bench', testMatch: ['<rootDir>/src/**/*.bench.ts'], testTimeout: 600_000 };
