/** Unit tests: next to the code, no network, database or IPFS. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  transform: {
    // TS151002: ts-jest's notice about module "node16" without isolatedModules; type checking stays on.
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
  coverageReporters: ['text-summary'],
  // Floors under the current unit-test coverage; integration tests cover the rest.
  coverageThreshold: { global: { statements: 95, branches: 95, functions: 95, lines: 95 } },
};
