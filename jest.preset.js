const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // Integration specs talk to a real broker and database; unit specs finish long before this.
  testTimeout: 60_000,
};
