// `npm run build`: ESM to dist/esm and CommonJS to dist/cjs (each with declarations and
// source maps that carry their sources), the CLI made executable.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEsm } from './bundle-esm.mjs';
import { deepImportRxjs } from './rxjs-deep-imports.mjs';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const config of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', config], { cwd: root, stdio: 'inherit' });
}
// CommonJS has no `import.meta`: its files use their own URL instead.
for (const entry of readdirSync(join(root, 'dist/cjs'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = join(entry.parentPath, entry.name);
  const code = readFileSync(file, 'utf8');
  if (code.includes('import.meta.url')) writeFileSync(file, code.replaceAll('import.meta.url', "require('node:url').pathToFileURL(__filename).href"));
}
// The Node-only Flame entries (and Pie's on Node) load only the rxjs modules they use (see rxjs-deep-imports.mjs).
deepImportRxjs(root, join(root, 'dist/esm'), 'esm');
deepImportRxjs(root, join(root, 'dist/cjs'), 'cjs');
// dist/esm is ESM by the package's own "type"; no package.json of its own, so that Node
// reads the package's `imports` field (`#rxjs-pie`, `#rxjs-shared`) for its files.
writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
// The ESM entries, bundled with shared chunks (see bundle-esm.mjs).
await bundleEsm(root);
chmodSync(join(root, 'dist/esm/cli/main.js'), 0o755);
