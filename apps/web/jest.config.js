const { nobleTransform, nobleIgnorePatterns } = require('../../jest.esm');

/** Unit tests of the pages' pure parts (amounts, forms, answer parsing), in Node; the pages themselves are tested in Chromium (tests/e2e). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    // The sources import each other as the bundler does, with .js extensions.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@hdt/vocabulary$': '<rootDir>/../../packages/vocabulary/src/index.ts',
    // The gateway's envelope (SM4-CBC + HMAC-SM3), to prove the page opens what the server seals.
    '^@hdt/offchain-store$': '<rootDir>/../../offchain-store/src/crypto/index.ts',
  },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true }, diagnostics: false },
    ],
    // sm-crypto-v2 requires the ESM-only @noble packages.
    ...nobleTransform,
  },
  transformIgnorePatterns: nobleIgnorePatterns,
};
