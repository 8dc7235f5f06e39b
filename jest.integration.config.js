/** Integration tests: run against the real consortium, FerretDB and Kubo (scripts/test-integration.sh). */
const { nobleTransform, nobleIgnorePatterns } = require('./jest.esm');

module.exports = {
  projects: [
    {
      displayName: 'platform',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/integration'],
      testMatch: ['**/*.int.test.ts'],
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
        ...nobleTransform,
      },
      transformIgnorePatterns: nobleIgnorePatterns,
    },
    '<rootDir>/offchain-store/jest.integration.config.js',
  ],
};
