import { defineConfig } from 'vite';

// `npx vite examples/web` (after `npm run build`): the page imports the package by name,
// resolved through its `exports` to the browser build of flame-pie-rx/pie.
export default defineConfig({
  build: { target: 'es2022' },
});
