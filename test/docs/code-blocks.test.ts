// Every ```ts block of README.md and docs/*.md is typechecked (strict, against the built
// package as users import it) and run (against emulators). See docs/CONTRIBUTING-docs.md for
// the hidden comment that sets a block up:
//
//   <!-- doc-test: prelude=flame -->   the block runs after test/docs/preludes/flame.ts, and every
//                                      name that prelude exports is in scope unless the block
//                                      imports or declares it itself (preludes: flame, pie, service)
//   <!-- doc-test: typecheck -->       typechecked only (a block that is itself a vitest file)
//
// A block without a comment gets the `common` prelude (rxjs helpers, placeholders). A block
// passes when it typechecks and its process exits 0: a thrown error or an unhandled
// rejection fails it. After the block's code the prelude's `done()` waits 300 ms and exits.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../package/built.js';

const run = promisify(execFile);
const DOCS = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
// Inside the package, so `flame-pie-rx/...` resolves to the package itself through `exports`.
const work = join(root, 'build/doc-blocks');

interface Block {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
  readonly prelude: string;
  readonly typecheckOnly: boolean;
  readonly file: string;
}

/** The ```ts blocks of a Markdown file with the doc-test comment just above each. */
export function extractBlocks(doc: string, text: string): Omit<Block, 'file'>[] {
  const blocks: Omit<Block, 'file'>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    let j = start - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const comment = /<!--\s*doc-test:(.*?)-->/.exec(lines[j] ?? '')?.[1] ?? '';
    blocks.push({
      doc,
      line: start + 1,
      code: body.join('\n'),
      prelude: /prelude=(\w+)/.exec(comment)?.[1] ?? 'common',
      typecheckOnly: /\btypecheck\b/.test(comment),
    });
  }
  return blocks;
}

/** Names a block binds at top level (imports and declarations). */
function boundNames(code: string): Set<string> {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The names a prelude exports (its own and those of the preludes it re-exports). */
function preludeNames(prelude: string): string[] {
  const text = readFileSync(join(root, `test/docs/preludes/${prelude}.ts`), 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^export (?:const|let|async function|function|class) (\w+)/gm)) names.add(m[1]!);
  for (const m of text.matchAll(/^export \{([^}]*)\} from/gm)) for (const n of m[1]!.split(',')) if (n.trim()) names.add(n.trim().split(/\s+as\s+/).at(-1)!);
  for (const m of text.matchAll(/^export \* from '\.\/(\w+)\.js'/gm)) for (const n of preludeNames(m[1]!)) names.add(n);
  return [...names];
}

function moduleFor(block: Omit<Block, 'file'>): string {
  const bound = boundNames(block.code);
  const free = preludeNames(block.prelude).filter((n) => !bound.has(n) && n !== 'done');
  const header = `import { done as __done${free.length ? `, ${free.join(', ')}` : ''} } from './preludes/${block.prelude}.js';\n`;
  return `${header}${block.code}\n;await __done();\nexport {};\n`;
}

const blocks: Block[] = DOCS.flatMap((doc) => extractBlocks(doc, readFileSync(join(root, doc), 'utf8'))).map((b) => ({
  ...b,
  file: `${b.doc.replace(/\W+/g, '-')}-L${b.line}`,
}));

beforeAll(() => {
  ensureBuilt();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(root, 'test/docs/preludes'), join(work, 'preludes'), { recursive: true });
  for (const block of blocks) writeFileSync(join(work, `${block.file}.ts`), moduleFor(block));
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true,
        skipLibCheck: true, types: ['node'], lib: ['es2022', 'dom'], typeRoots: [join(root, 'node_modules/@types')],
      },
      include: ['*.ts', 'preludes/*.ts'],
    }),
  );
}, 120_000);

describe('the code blocks of the docs', () => {
  it('are there: README and every guide have examples', () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect([...new Set(blocks.map((b) => b.doc))]).toEqual(expect.arrayContaining(['README.md', 'docs/flame.md', 'docs/pie.md', 'docs/flame-service.md']));
  });

  it('typecheck (strict) against the package as users import it', async () => {
    let output = '';
    try {
      await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: work });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    // Name the doc and line of each error instead of the generated file.
    const located = output.replace(/^(\S+?)-L(\d+)\.ts\((\d+),\d+\)/gm, (_m, file: string, line: string, row: string) => {
      const block = blocks.find((b) => b.file === `${file}-L${line}`);
      return block ? `${block.doc}:${block.line + Number(row) - 1}` : _m;
    });
    expect(located).toBe('');
  }, 120_000);

  for (const block of blocks.filter((b) => !b.typecheckOnly)) {
    it(`run: ${block.doc}:${block.line} (prelude ${block.prelude})`, async () => {
      for (const name of ['common', block.prelude, `${block.file}`]) {
        const dir = name === block.file ? work : join(work, 'preludes');
        const source = readFileSync(join(dir, `${name}.ts`), 'utf8');
        writeFileSync(join(dir, `${name}.js`), transformSync(source, { loader: 'ts', format: 'esm', target: 'es2022' }).code);
      }
      const result = await run(process.execPath, [join(work, `${block.file}.js`)], { cwd: work, timeout: 20_000 }).catch(
        (error: { code?: number; stderr?: string }) => ({ failed: error.code ?? 'killed', stderr: error.stderr ?? '' }),
      );
      expect(result, 'stderr' in result ? result.stderr : '').not.toHaveProperty('failed');
    }, 30_000);
  }
});
