/** Unit tests: next to the code, no network, database or IPFS. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
  coverageReporters: ['text-summary'],
  // Floors under the current unit-test coverage; integration tests cover the rest.
  coverageThreshold: { global: { statements: 70, branches: 65, functions: 55, lines: 70 } },
};
