/**
 * End-to-end tests of the web pages in Chromium (tests/e2e), against the API at API_URL
 * (default http://127.0.0.1:8080; a URL ending in /api/v1 is accepted too). Chromium is Debian's
 * (scripts/install-browser.sh), driven by playwright-core. Screenshots go to .state/screenshots/.
 */
const { nobleTransform, nobleIgnorePatterns } = require('./jest.esm');

module.exports = {
  displayName: 'web',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    ...nobleTransform,
  },
  transformIgnorePatterns: nobleIgnorePatterns,
};
