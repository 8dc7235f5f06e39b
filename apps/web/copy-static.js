/**
 * Copies the pages and the style sheet next to the compiled modules, and Apache ECharts' prebuilt
 * script (with its licence and notice) into vendor/echarts/: dist/ is what the gateway serves
 * under /app/.
 */
const { copyFileSync, cpSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, 'dist');
cpSync(path.join(__dirname, 'static'), dist, { recursive: true });

const vendor = path.join(dist, 'vendor', 'echarts');
mkdirSync(vendor, { recursive: true });
for (const file of ['dist/echarts.min.js', 'LICENSE', 'NOTICE']) {
  copyFileSync(require.resolve(`echarts/${file}`), path.join(vendor, path.basename(file)));
}
