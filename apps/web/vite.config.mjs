/**
 * The pages, built to dist/ (served by the gateway under /app/). Asset URLs are relative,
 * so the pages work wherever they are mounted; `vite` serves them with the API proxied.
 */
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const pages = ['index', 'hospital', 'reimburser', 'supervisor', 'resident', 'doctor', 'share'];

export default defineConfig({
  base: './',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(import.meta.dirname, `${page}.html`)])),
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
