// Generates TypeScript from proto/ with buf + ts-proto (both local npm packages).
// `--check` generates into a temporary directory and fails when src/gen differs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const target = join(root, 'src/gen');

function listFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out = statSync(p).isDirectory() ? out.concat(listFiles(p)) : out.concat([p]);
  }
  return out;
}

function generate(outDir) {
  const template = readFileSync(join(root, 'buf.gen.yaml'), 'utf8').replace('out: src/gen', `out: ${outDir}`);
  const tmpTemplate = join(tmpdir(), `buf.gen.${process.pid}.yaml`);
  writeFileSync(tmpTemplate, template);
  try {
    execFileSync(join(root, 'node_modules/.bin/buf'), ['generate', '--template', tmpTemplate], { cwd: root, stdio: 'inherit' });
  } finally {
    rmSync(tmpTemplate, { force: true });
  }
}

if (!check) {
  rmSync(target, { recursive: true, force: true });
  generate(target);
  console.log(`generated ${listFiles(target).length} files in src/gen`);
} else {
  const out = mkdtempSync(join(tmpdir(), 'flame-gen-'));
  try {
    generate(out);
    const fresh = listFiles(out).map((f) => relative(out, f)).sort();
    const committed = listFiles(target).map((f) => relative(target, f)).sort();
    const problems = [];
    for (const f of new Set([...fresh, ...committed])) {
      if (!fresh.includes(f)) problems.push(`extra file src/gen/${f} (no proto produces it)`);
      else if (!committed.includes(f)) problems.push(`missing src/gen/${f}`);
      else if (readFileSync(join(out, f), 'utf8') !== readFileSync(join(target, f), 'utf8')) problems.push(`stale src/gen/${f}`);
    }
    if (problems.length > 0) {
      console.error(`generated code is out of date with proto/ — run \`npm run gen\` and commit:\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`src/gen is up to date with proto/ (${fresh.length} files)`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
