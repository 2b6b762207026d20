import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Modules a browser cannot load: Node built-ins, `ws`, `sshpk`. */
const EXTERNAL = ['sshpk', 'ws', 'node:*'];
const EXTERNAL_SPECIFIER = /(["'])(sshpk|ws|node:[\w/.-]+)\1/g;

/** Bundles like a browser app would, keeping the Node-only modules external. */
async function bundle(options: { entry?: string; contents?: string }): Promise<string> {
  const result = await build({
    ...(options.contents === undefined
      ? { entryPoints: [options.entry!] }
      : { stdin: { contents: options.contents, resolveDir: root, loader: 'ts' } }),
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    external: EXTERNAL,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  expect(result.outputFiles).toHaveLength(1);
  return result.outputFiles[0]!.text;
}

/** Every place the output names a Node-only module, with whether it is a dynamic `import(...)`. */
function externalUses(code: string): Array<{ specifier: string; dynamic: boolean; context: string }> {
  return [...code.matchAll(EXTERNAL_SPECIFIER)].map((match) => {
    const before = code.slice(Math.max(0, match.index - 40), match.index);
    return {
      specifier: match[2]!,
      dynamic: /\bimport\(\s*$/.test(before),
      context: code.slice(Math.max(0, match.index - 40), match.index + match[0].length + 1).replace(/\s+/g, ' '),
    };
  });
}

describe('flame-pie-rx/pie in a browser bundle', () => {
  it('bundles src/pie.ts and loads Node-only modules only through dynamic import()', async () => {
    const code = await bundle({ entry: 'src/pie.ts' });
    const uses = externalUses(code);
    const static_ = uses.filter((use) => !use.dynamic);
    expect(static_.map((use) => `${use.specifier}: ${use.context}`)).toEqual([]);
    // Key loading is reachable from this entry and keeps its Node modules behind import().
    expect(uses.filter((use) => use.dynamic).map((use) => use.specifier)).toEqual(
      expect.arrayContaining(['sshpk', 'node:crypto']),
    );
    expect(code).not.toMatch(/\brequire\(\s*["'](sshpk|ws|node:)/);
    expect(code).not.toMatch(/\bBuffer\.(from|alloc|concat|isBuffer)\b/);
  });

  it('detects a static import of a Node-only module (the check above can fail)', async () => {
    const code = await bundle({
      contents: "import { readFileSync } from 'node:fs';\nimport WebSocket from 'ws';\nexport const f = () => [readFileSync, WebSocket];\n",
    });
    const uses = externalUses(code);
    expect(uses.filter((use) => !use.dynamic).map((use) => use.specifier).sort()).toEqual(['node:fs', 'ws']);
    const dynamicOnly = await bundle({ contents: "export const load = () => import('node:fs');\n" });
    expect(externalUses(dynamicOnly).map((use) => use.dynamic)).toEqual([true]);
  });
});
