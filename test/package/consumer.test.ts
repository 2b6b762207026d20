// The tarball as users get it, installed into a strict TypeScript app with its own rxjs
// (7.8.1, older than ours): types check with skipLibCheck off, every entry imports and
// requires, and only what users need is shipped.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from './built.js';

const ENTRIES = ['flame-pie-rx', 'flame-pie-rx/flame', 'flame-pie-rx/pie', 'flame-pie-rx/pie/node', 'flame-pie-rx/testing'];
let dir = '';
let files: string[] = [];

const APP = `
import { firstValueFrom, of, type Observable } from 'rxjs';
import { runAll, stdoutText, ofKind } from 'flame-pie-rx';
import { FlameClient, type Task } from 'flame-pie-rx/flame';
import { PieClient, type ProcessEvent } from 'flame-pie-rx/pie';
import { loadPrivateKey } from 'flame-pie-rx/pie/node';
import { FlameEmulator, PieEmulator } from 'flame-pie-rx/testing';

declare const events: Observable<ProcessEvent>;
const text: Observable<string> = events.pipe(stdoutText());
const stdout = events.pipe(ofKind('stdout'));
const tasks: Observable<Task> = of(1, 2).pipe(runAll((n: number): Observable<Task> => of({} as Task)));
export const used = [text, stdout, tasks, FlameClient, PieClient, loadPrivateKey, FlameEmulator, PieEmulator, firstValueFrom];
`;

const CJS = `
const entries = ${JSON.stringify(ENTRIES)};
const names = entries.map((entry) => Object.keys(require(entry)).length);
const { PieClient } = require('flame-pie-rx/pie');
const { FlameEmulator } = require('flame-pie-rx/testing');
// The Flame entries import rxjs values module by module (scripts/rxjs-deep-imports.mjs): they
// must be the app's rxjs files, the very ones its index loads.
const rxjsRoots = new Set(Object.keys(require.cache).filter((k) => k.includes('/node_modules/rxjs/')).map((k) => k.slice(0, k.indexOf('/node_modules/rxjs/'))));
const sameObservable = require('rxjs').Observable === require('rxjs/internal/Observable').Observable;
console.log(JSON.stringify({ names, pie: typeof PieClient, emulator: typeof FlameEmulator, rxjsRoots: rxjsRoots.size, sameObservable }));
`;

const ESM = `
const entries = ${JSON.stringify(ENTRIES)};
const names = [];
for (const entry of entries) names.push(Object.keys(await import(entry)).length);
console.log(JSON.stringify({ names }));
`;

// One entry, imported or required alone: which rxjs files it loaded (Node loads rxjs as
// CommonJS under either), and whether those are the app's own.
const RXJS_FILES = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const [entry, how] = process.argv.slice(2);
if (how === 'require') require(entry);
else await import(entry);
const files = Object.keys(require.cache).filter((k) => k.includes('/node_modules/rxjs/'));
const roots = new Set(files.map((k) => k.slice(0, k.indexOf('/node_modules/rxjs/'))));
console.log(JSON.stringify({ index: files.some((k) => k.endsWith('/rxjs/dist/cjs/index.js')), files: files.length, roots: roots.size }));
`;

// The MCP SDK is an optional peer dependency: an app without it gets a PieError naming it.
const MCP = `
import { lastValueFrom } from 'rxjs';
import { PieClient, PieError } from 'flame-pie-rx/pie';
import { PieEmulator } from 'flame-pie-rx/testing';
const emu = await PieEmulator.start();
const client = await PieClient.connect(emu.url, { username: 'app' });
const error = await lastValueFrom(client.registerMcpServer('calc', { command: process.execPath })).catch((e) => e);
console.log(JSON.stringify({ pie: error instanceof PieError, message: error.message }));
client.close();
await emu.close();
`;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'fpr-consumer-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  files = packed[0]!.files.map((f) => f.path);
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed[0]!.filename), 'rxjs@7.8.1', '@types/node@20'],
    app,
  );
  writeFileSync(join(app, 'index.ts'), APP);
  writeFileSync(join(app, 'require.cjs'), CJS);
  writeFileSync(join(app, 'import.mjs'), ESM);
  writeFileSync(join(app, 'mcp.mjs'), MCP);
  writeFileSync(join(app, 'rxjs-files.mjs'), RXJS_FILES);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext',
        target: 'es2022', noEmit: true, types: ['node'], lib: ['es2022', 'dom'],
      },
      files: ['index.ts'],
    }),
  );
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the published package in an app', () => {
  it('typechecks in a strict app with its own rxjs 7.8.1 and skipLibCheck off', () => {
    const app = join(dir, 'app');
    let output = '';
    try {
      output = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
    // One rxjs in the app: the package brings none of its own.
    expect(() => readFileSync(join(app, 'node_modules/flame-pie-rx/node_modules/rxjs/package.json'))).toThrow();
  }, 60_000);

  it('every entry works with require() and with import', () => {
    const app = join(dir, 'app');
    const cjs = JSON.parse(run(process.execPath, ['require.cjs'], app)) as {
      names: number[];
      pie: string;
      emulator: string;
      rxjsRoots: number;
      sameObservable: boolean;
    };
    expect(cjs.rxjsRoots).toBe(1);
    expect(cjs.sameObservable).toBe(true);
    expect(cjs.pie).toBe('function');
    expect(cjs.emulator).toBe('function');
    const esm = JSON.parse(run(process.execPath, ['import.mjs'], app)) as { names: number[] };
    expect(esm.names).toEqual(cjs.names);
    expect(Math.min(...esm.names)).toBeGreaterThan(0);
  }, 30_000);

  it('on Node, flame-pie-rx/pie and /flame load the app\'s rxjs module by module, not its index (which loads all of rxjs)', () => {
    const app = join(dir, 'app');
    for (const entry of ['flame-pie-rx/pie', 'flame-pie-rx/flame', 'flame-pie-rx/pie/node']) {
      for (const how of ['import', 'require']) {
        const loaded = JSON.parse(run(process.execPath, ['rxjs-files.mjs', entry, how], app)) as { index: boolean; files: number; roots: number };
        expect({ entry, how, ...loaded }).toEqual({ entry, how, index: false, files: expect.any(Number), roots: 1 });
        expect(loaded.files).toBeGreaterThan(10);
        expect(loaded.files).toBeLessThan(150);
      }
    }
    // The check above can fail: the root entry shares its files with browsers and loads the index.
    expect(JSON.parse(run(process.execPath, ['rxjs-files.mjs', 'flame-pie-rx', 'import'], app))).toMatchObject({ index: true });
  }, 30_000);

  it('installs without the optional MCP SDK; registerMcpServer then fails with a PieError naming it', () => {
    const app = join(dir, 'app');
    expect(() => readFileSync(join(app, 'node_modules/@modelcontextprotocol/sdk/package.json'))).toThrow();
    expect(JSON.parse(run(process.execPath, ['mcp.mjs'], app))).toEqual({
      pie: true,
      message: 'Local MCP servers need the optional peer dependency @modelcontextprotocol/sdk: npm install @modelcontextprotocol/sdk',
    });
  }, 30_000);

  it('ships only what users need, with LICENSE and source maps that carry their sources', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/esm/cli/main.js');
    expect(files.filter((f) => /^(src|docs|test|bench|examples|proto)\//.test(f) || f.includes('/demo/'))).toEqual([]);
    const map = JSON.parse(readFileSync(join(dir, 'app/node_modules/flame-pie-rx/dist/esm/pie.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: string[];
    };
    expect(map.sourcesContent?.length).toBe(map.sources.length);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.peerDependencies).toEqual({ rxjs: expect.any(String), '@modelcontextprotocol/sdk': expect.any(String) });
    expect(pkg.peerDependenciesMeta).toEqual({ '@modelcontextprotocol/sdk': { optional: true } });
    expect(pkg.repository).toBeTruthy();
    expect(pkg.sideEffects).toBeTruthy();
  });
});
