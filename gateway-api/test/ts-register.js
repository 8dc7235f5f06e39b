/**
 * Test fixtures only: lets Node run the TypeScript under test/ directly (`node -r ./test/ts-register.js
 * test/fixture-server.ts`). Each file is transpiled on load with the compiler's transpileModule: types
 * are erased, not checked (`npm run typecheck` checks them).
 */
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
