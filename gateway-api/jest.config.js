/** Unit tests: next to the code, no network, database or IPFS. */
const { nobleTransform, nobleIgnorePatterns } = require('../jest.esm');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    ...nobleTransform,
  },
  transformIgnorePatterns: [...nobleIgnorePatterns, '/offchain-store/dist/', '/chaincode/dist/'],
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
  coverageReporters: ['text-summary'],
  // Floors under the current unit-test coverage; integration tests cover the rest.
  coverageThreshold: { global: { statements: 80, branches: 75, functions: 70, lines: 80 } },
};
