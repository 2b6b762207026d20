// Build step: the ESM entries of dist/esm, bundled together with shared chunks
// (dist/esm/chunks/). Node's ES module loader pays for every file it resolves, reads,
// compiles and links: `flame-pie-rx/flame` was 76 of them, and bundled it imports in about
// two thirds of the time (docs/benchmarks.md, "Goals at a glance"). All entries are bundled
// in one build, so a module reached from two entries is in one chunk they share: its
// classes and its state (`runAll`'s admission, read by `invoke`) exist once per process,
// as with one file per module. Packages stay external, and so do the `#rxjs-*` imports,
// which Node resolves to the deep rxjs requires (scripts/rxjs-deep-imports.mjs) and every
// other tool to plain `rxjs`. The per-module files stay in dist/esm next to the bundles,
// as their declarations (.d.ts) do; nothing loads them.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The package's ESM entry files (`exports` and `bin`), relative to dist/esm. */
export function esmEntries(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const files = new Set();
  const walk = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/esm/') && value.endsWith('.js')) files.add(value.slice('./dist/esm/'.length));
    } else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  return [...files].sort();
}

export async function bundleEsm(root) {
  const dir = join(root, 'dist/esm');
  const out = join(root, 'dist/esm-bundled');
  rmSync(out, { recursive: true, force: true });
  const entries = esmEntries(root);
  await build({
    absWorkingDir: dir,
    entryPoints: entries.map((file) => ({ in: file, out: file.replace(/\.js$/, '') })),
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    packages: 'external',
    external: ['#rxjs-flame', '#rxjs-pie', '#rxjs-shared', 'node:*'],
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: true,
    logLevel: 'warning',
  });
  keepYamlRequire(out);
  // The bundles replace the entry files; the chunks join them.
  for (const file of entries) {
    for (const suffix of ['', '.map']) renameSync(join(out, file + suffix), join(dir, file + suffix));
  }
  rmSync(join(dir, 'chunks'), { recursive: true, force: true });
  renameSync(join(out, 'chunks'), join(dir, 'chunks'));
  rmSync(out, { recursive: true, force: true });
  return entries;
}

/**
 * esbuild's ESM output calls a free `require` through its `__require` stand-in; the Flame
 * config loader's `require('yaml')` (src/model/flame/config-file.ts) must stay literal, so
 * that an application's bundler sees it and bundles yaml, and its `typeof require` must see
 * Node's ESM scope (no `require`: `createRequire` is used). Exactly one of each is expected.
 */
function keepYamlRequire(out) {
  const edits = [
    ['typeof __require === "function"', 'typeof require === "function"'],
    ['__require("yaml")', 'require("yaml")'],
  ];
  const found = edits.map(() => 0);
  for (const entry of readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = join(entry.parentPath, entry.name);
    let code = readFileSync(file, 'utf8');
    const before = code;
    edits.forEach(([from, to], i) => {
      found[i] += code.split(from).length - 1;
      code = code.replaceAll(from, to);
    });
    if (code !== before) writeFileSync(file, code);
  }
  if (found.some((n) => n !== 1)) throw new Error(`bundle-esm: expected one yaml require and one typeof check, found ${found.join(' and ')}`);
}
