/** Unit tests: next to the code, no network, database or IPFS. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    // @hyperledger/fabric-gateway requires the ESM-only @noble packages; Node runs that natively
    // (require of ESM), Jest's module runtime does not, so they are compiled to CommonJS for tests.
    '^.+\\.js$': [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'ES2022',
          isolatedModules: true,
        },
        diagnostics: false,
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@noble/)', '/offchain-store/dist/'],
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
};
