/** Copies the pages and the style sheet next to the compiled modules: dist/ is what the gateway serves under /app/. */
const { cpSync } = require('node:fs');
const path = require('node:path');

cpSync(path.join(__dirname, 'static'), path.join(__dirname, 'dist'), { recursive: true });
