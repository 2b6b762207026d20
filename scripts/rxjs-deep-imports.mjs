// Build step for the Node-only Flame entries: their emitted files take each rxjs value
// from its own module (`rxjs/internal/...`, in rxjs 7's package exports) instead of the
// `rxjs` index, which loads all of rxjs (about 220 modules, a third of `flame-pie-rx/flame`'s
// import time). Those are the very files the index loads, so a user's `rxjs` and the
// library's are one copy (`instanceof` holds). Types (.d.ts) keep importing `rxjs`. The ESM
// files import `#rxjs-flame`, `#rxjs-pie` or `#rxjs-shared`
// (by which entries reach them): the package's `imports` field maps these, under the
// `node-addons` condition, to generated `rxjs-*-node.js` modules that `require` each value
// (rxjs is CommonJS on Node; `require` skips what Node's ESM loader does for each CommonJS
// file it imports), and to `rxjs` itself anywhere else. `node-addons` is set by Node's own
// loader and by no bundler: a bundle (esbuild or webpack, for the browser or for Node, ESM
// or CommonJS) takes plain `rxjs` and bundles it as usual; `createRequire(import.meta.url)`
// never reaches a bundle, where it would fail (CommonJS output has no `import.meta.url`) or
// load a second rxjs at run time. CommonJS files get the deep requires, which bundlers follow.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** rxjs's own name → module table, read from its ESM index (`export { a, b as c } from './internal/x'`). */
export function rxjsModules(root) {
  const require = createRequire(join(root, 'package.json'));
  const index = join(dirname(require.resolve('rxjs/package.json')), 'dist/esm/index.js');
  const modules = new Map();
  for (const [, names, from] of readFileSync(index, 'utf8').matchAll(/export \{([^}]*)\} from '\.\/(internal\/[^']+)'/g)) {
    for (const name of names.split(',')) {
      const [inner, outer = inner] = name.trim().split(/\s+as\s+/);
      if (inner) modules.set(outer.trim(), { path: `rxjs/${from}`, inner: inner.trim() });
    }
  }
  if (modules.size < 100) throw new Error(`rxjs index read as ${modules.size} names: layout changed, deep imports left off`);
  return modules;
}

const lookup = (modules, name, file) => {
  const found = modules.get(name);
  if (!found) throw new Error(`${file}: rxjs has no module for ${name}`);
  return found;
};

function rxjsNodeModule(modules, used, entries = 'the Flame entries') {
  const lines = [...used].sort().map((name) => {
    const { path, inner } = modules.get(name);
    return `export const ${name} = require('${path}').${inner};`;
  });
  return [
    `// Written by scripts/rxjs-deep-imports.mjs: the rxjs values of ${entries}, each from`,
    "// its own module (the files rxjs's index loads), through require.",
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    ...lines,
    '',
  ].join('\n');
}

/** `import { a, b as c } from 'rxjs';` → the same names from `specifier` (`#rxjs-pie` or `#rxjs-shared`, see the file's comment). */
function rewriteEsmConditional(code, modules, file, used, specifier) {
  return code.replace(/^import \{([^}]*)\} from 'rxjs';/gm, (_, names) => {
    const specs = names.split(',').map((n) => n.trim()).filter(Boolean);
    for (const spec of specs) {
      const imported = spec.split(/\s+as\s+/)[0];
      lookup(modules, imported, file);
      used.add(imported);
    }
    return `import { ${specs.join(', ')} } from '${specifier}';`;
  });
}

/** `const rxjs_1 = require("rxjs");` → an object of the names the file reads from it, each from its module. */
function rewriteCjs(code, modules, file) {
  return code.replace(/^const (\w+) = require\("rxjs"\);/gm, (_, local) => {
    const used = new Set([...code.matchAll(new RegExp(`\\b${local}\\.(\\w+)`, 'g'))].map((m) => m[1]));
    const fields = [...used].map((name) => {
      const { path, inner } = lookup(modules, name, file);
      return `${name}: require("${path}").${inner}`;
    });
    return `const ${local} = { ${fields.join(', ')} };`;
  });
}

/** Relative imports of an emitted file, as absolute paths. */
function localImports(file, code) {
  const found = [...code.matchAll(/(?:from |import\(|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1]));
  return found.map((path) => (path.endsWith('.js') ? path : `${path}.js`)).filter((path) => existsSync(path));
}

function graph(entries) {
  const seen = new Set();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...localImports(file, readFileSync(file, 'utf8')));
  }
  return seen;
}

/**
 * Rewrites the files of `dir` (dist/esm or dist/cjs) reachable from the Flame entries and
 * not from the Pie browser entry (`#rxjs-flame` in ESM), then the Pie browser entry's files
 * that `pie-node.js` reaches (`#rxjs-pie`, or `#rxjs-shared` if the Flame entries reach them
 * too); deep requires in CommonJS. Each `#rxjs-*` is plain `rxjs` wherever Node's own
 * loader is not the one resolving it, so files a browser reaches stay browser-safe.
 */
export function deepImportRxjs(root, dir, format) {
  const modules = rxjsModules(root);
  const flame = graph(['flame.js', 'flame-cache.js'].map((entry) => join(dir, entry)));
  const pieBrowser = graph([join(dir, 'pie.js')]);
  const used = new Set();
  let rewritten = 0;
  for (const file of flame) {
    if (pieBrowser.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    const next = format === 'cjs' ? rewriteCjs(code, modules, file) : rewriteEsmConditional(code, modules, file, used, '#rxjs-flame');
    if (next !== code) {
      writeFileSync(file, next);
      rewritten++;
    }
  }
  // Files the Flame entries share with Pie get a table of their own, so that /flame loads
  // none of the rxjs modules only Pie uses.
  const usedByPie = new Set();
  const usedShared = new Set();
  for (const file of graph([join(dir, 'pie-node.js')])) {
    if (!pieBrowser.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    const [specifier, names] = flame.has(file) ? ['#rxjs-shared', usedShared] : ['#rxjs-pie', usedByPie];
    const next = format === 'cjs' ? rewriteCjs(code, modules, file) : rewriteEsmConditional(code, modules, file, names, specifier);
    if (next !== code) {
      writeFileSync(file, next);
      rewritten++;
    }
  }
  if (format === 'esm') {
    writeFileSync(join(dir, 'rxjs-node.js'), rxjsNodeModule(modules, used));
    writeFileSync(join(dir, 'rxjs-pie-node.js'), rxjsNodeModule(modules, usedByPie, 'the Pie files on Node'));
    writeFileSync(join(dir, 'rxjs-shared-node.js'), rxjsNodeModule(modules, usedShared, 'the files Pie and Flame share, on Node'));
  }
  return rewritten;
}
