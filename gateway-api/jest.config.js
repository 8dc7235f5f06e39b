/** Unit tests: next to the code, no network, database or IPFS. */
const { nobleTransform, nobleIgnorePatterns } = require('../jest.esm');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testMatch: ['**/*.test.ts'],
  // Route tests log users in (scrypt) in their hooks: on a loaded machine that takes more than jest's 5 s.
  testTimeout: 60_000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    ...nobleTransform,
  },
  transformIgnorePatterns: [...nobleIgnorePatterns, '/offchain-store/dist/', '/chaincode/dist/'],
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
  coverageReporters: ['text-summary'],
  // Floors under the current unit-test coverage; integration tests cover the rest.
  // The migration module's Mongo store and the migrate CLI's main run only in the integration test,
  // as do the issuance log in MongoDB (MongoIssuances), the reconciliation route and server.ts.
  coverageThreshold: { global: { statements: 77, branches: 69, functions: 68, lines: 78 } },
};
