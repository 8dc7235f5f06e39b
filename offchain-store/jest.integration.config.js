/**
 * Integration tests against a real MongoDB-wire server and a real Kubo node.
 * Needs MONGODB_URI and IPFS_API_URL (the run fails, rather than skips, without them) and
 * NODE_OPTIONS=--experimental-vm-modules for the ESM IPFS client: `npm run test:integration` (runs in band).
 * Also a project of the repository's root jest.integration.config.js.
 */
module.exports = {
  displayName: 'offchain-store',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.int.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  globalSetup: '<rootDir>/test/integration/global-setup.js',
  testTimeout: 60000,
};
