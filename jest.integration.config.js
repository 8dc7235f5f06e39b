/** Integration tests: run against the real consortium, FerretDB and Kubo (scripts/test-integration.sh). */
module.exports = {
  projects: [
    {
      displayName: 'platform',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/integration'],
      testMatch: ['**/*.int.test.ts'],
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
        // @hyperledger/fabric-gateway requires the ESM-only @noble packages, which Jest's module
        // runtime cannot load: they are compiled to CommonJS for the tests.
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
      transformIgnorePatterns: ['/node_modules/(?!@noble/)'],
    },
    '<rootDir>/offchain-store/jest.integration.config.js',
  ],
};
