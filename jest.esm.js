/**
 * Jest settings shared by the test projects that load @hyperledger/fabric-gateway: it requires
 * the ESM-only @noble packages, which Node runs natively (require of ESM) but Jest's module
 * runtime cannot load, so they are compiled to CommonJS for the tests.
 */
module.exports = {
  nobleTransform: {
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
  // Our own workspaces' compiled output is CommonJS already.
  nobleIgnorePatterns: ['/node_modules/(?!@noble/)', '/packages/[^/]+/dist/'],
};
