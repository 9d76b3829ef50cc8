// The pages the host serves (README "Pages"): built by Vite into build/pages. They use the npm
// package's browser entry from this tree, exactly as an app that installed handoffkit would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: { alias: { handoffkit: here('../lib/browser.mjs') } },
  // The dev server must not pre-bundle the package, or its wasm request gets the HTML fallback.
  optimizeDeps: { exclude: ['handoffkit'] },
  // The readiness page evaluates in a module worker (readiness.worker.mjs), which imports the package.
  worker: { format: 'es' },
  build: {
    outDir: here('../../build/pages'),
    emptyOutDir: true,
    rollupOptions: { input: { index: here('index.html'), readiness: here('readiness.html'), 'card-preview': here('card-preview.html') } },
  },
});
