const nxPreset = require('@nx/jest/preset').default;

// Unit and integration specs are two Nx targets (nx.json registers @nx/jest/plugin twice), so
// that `nx test` needs nothing running and only `nx integration` needs Kafka and MongoDB.
// Nx tells each task which target it runs. Run directly (`npx jest -c <config> <file>`),
// jest finds both kinds, so any one spec file can be run on its own.
const target = process.env['NX_TASK_TARGET_TARGET'];

module.exports = {
  ...nxPreset,
  ...(target === 'test' && {
    testPathIgnorePatterns: ['/node_modules/', '\\.integration\\.spec\\.[jt]s$'],
  }),
  ...(target === 'integration' && {
    testMatch: ['**/*.integration.spec.[jt]s'],
    // Most projects have no integration specs; for them the target has nothing to run.
    passWithNoTests: true,
  }),
  // Integration specs talk to a real broker and database; unit specs finish long before this.
  testTimeout: 60_000,
};
