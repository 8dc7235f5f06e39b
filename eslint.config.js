/**
 * Lint half of the quality gate (`npm run lint`): ESLint's recommended rules everywhere, and
 * typescript-eslint's type-checked recommended rules for the TypeScript of the three workspaces
 * and of the integration tests; eslint-plugin-vue's recommended rules for the web pages' Vue
 * components (their types are checked by vue-tsc). Formatting is Prettier's concern (`npm run format:check`).
 */
const js = require('@eslint/js');
const { defineConfig, globalIgnores } = require('eslint/config');
const tseslint = require('typescript-eslint');
const pluginVue = require('eslint-plugin-vue');
const vueParser = require('vue-eslint-parser');

/** node:crypto functions whose results differ from call to call. */
const NON_DETERMINISTIC_CRYPTO = [
  'randomBytes',
  'randomFillSync',
  'randomFill',
  'randomInt',
  'randomUUID',
  'getRandomValues',
  'generateKeyPair',
  'generateKeyPairSync',
  'generateKey',
  'generateKeySync',
  'generatePrime',
  'generatePrimeSync',
  'createDiffieHellman',
  'createECDH',
];

const workspaces = '{packages/vocabulary,chaincode,offchain-store,gateway-api,apps/web}';

module.exports = defineConfig([
  globalIgnores(['**/dist/', '**/coverage/', '**/node_modules/', '.tools/', '.state/', 'network/', 'test-network/']),

  js.configs.recommended,

  // Configuration files and Jest's global setup: plain CommonJS run by Node.
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', console: 'readonly', process: 'readonly' },
    },
  },

  {
    files: [`${workspaces}/src/**/*.ts`, `${workspaces}/test/**/*.ts`, 'tests/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is checked with the nearest tsconfig.json (the workspace's, or tests/'s),
        // so chaincode's experimentalDecorators applies to its contracts.
        projectService: true,
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },

  // Small functions: a cyclomatic complexity of at most 10 and at most 40 lines of code.
  {
    files: [`${workspaces}/src/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      complexity: ['error', 10],
      'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },

  // The web pages' Vue components: TypeScript in <script setup lang="ts">, the same size limits.
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['apps/web/src/**/*.vue'] })),
  {
    files: ['apps/web/src/**/*.vue'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module', extraFileExtensions: ['.vue'] },
    },
    rules: {
      // Names are TypeScript's to check (vue-tsc), browser globals included.
      'no-undef': 'off',
      // Formatting is Prettier's.
      'vue/html-self-closing': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-indent': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      complexity: ['error', 10],
      'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },

  // Chaincode must be deterministic: every endorsing peer computes the same result. Time comes from
  // the transaction timestamp; no clock, randomness, I/O or network.
  {
    files: ['chaincode/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'http',
            'node:http',
            'https',
            'node:https',
            'net',
            'node:net',
            'child_process',
            'node:child_process',
          ].map((name) => ({ name, message: 'no files or network in chaincode' })),
        },
      ],
      // Hashing and signature verification are deterministic; key generation and random bytes are not.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use the transaction timestamp (ctx.stub.getTxTimestamp)' },
        { object: 'Math', property: 'random', message: 'chaincode must be deterministic' },
        { object: 'performance', property: 'now', message: 'chaincode must be deterministic' },
        ...NON_DETERMINISTIC_CRYPTO.map((property) => ({
          object: 'crypto',
          property,
          message: 'chaincode must be deterministic',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use the transaction timestamp' },
        { selector: "CallExpression[callee.name='setTimeout']", message: 'chaincode must not wait on timers' },
        {
          selector: `ImportSpecifier[imported.name=/^(${NON_DETERMINISTIC_CRYPTO.join('|')})$/]`,
          message: 'chaincode must be deterministic: no random bytes, keys or UUIDs',
        },
      ],
    },
  },

  // Tests and their helpers.
  {
    files: ['**/*.test.ts', `${workspaces}/test/**/*.ts`, 'tests/**/*.ts'],
    rules: {
      // The fakes implement async ports (ledger stub, gateway contract, stores) in memory: their
      // methods are async without awaiting anything, so that they answer with promises and their
      // errors arrive as rejections, exactly like the real implementations.
      '@typescript-eslint/require-await': 'off',
    },
  },
]);
