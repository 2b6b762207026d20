import { build as esbuild } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build as viteBuild, type Rollup } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from './built.js';

/** What a browser app writes: the package by name, resolved through its `exports`. */
const APP = "import * as pie from 'flame-pie-rx/pie';\nexport default pie;\n";
const NODE_ONLY = /["'](node:[\w/.-]+|sshpk|child_process|fs|crypto|stream)["']/;

beforeAll(() => ensureBuilt(), 120_000);

describe('flame-pie-rx/pie in a browser bundle, as shipped', () => {
  it('bundles with esbuild --platform=browser: no externals, no errors, no warnings, no Node module', async () => {
    const result = await esbuild({
      stdin: { contents: APP, resolveDir: root, loader: 'js' },
      absWorkingDir: root,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(NODE_ONLY);
    expect(code).toMatch(/\bPieClient\b/);
    expect(code).not.toContain('sshpk');
  });

  it('the check above fails on a Node-only import (the Node entry is not browser-safe)', async () => {
    const result = await esbuild({
      stdin: { contents: "export * from 'flame-pie-rx/pie/node';\n", resolveDir: root, loader: 'js' },
      absWorkingDir: root,
      bundle: true,
      write: false,
      platform: 'browser',
      logLevel: 'silent',
    }).catch((error: { errors: Array<{ text: string }> }) => error);
    expect('errors' in result && result.errors.map((e) => e.text).join('\n')).toMatch(/node:|child_process|crypto/);
  });

  it('bundles with Vite (production build) without a warning', async () => {
    // Inside the package, so `flame-pie-rx/pie` resolves to the package itself through `exports`.
    mkdirSync(join(root, 'build'), { recursive: true });
    const dir = mkdtempSync(join(root, 'build/vite-check-'));
    try {
      writeFileSync(join(dir, 'app.js'), APP);
      const warnings: string[] = [];
      const output = (await viteBuild({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        build: {
          write: false,
          lib: { entry: join(dir, 'app.js'), formats: ['es'], fileName: 'app' },
          rollupOptions: { onwarn: (warning) => void warnings.push(String(warning.message)) },
        },
      })) as Rollup.RollupOutput[] | Rollup.RollupOutput;
      const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
      const code = chunks.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
      expect(warnings).toEqual([]);
      expect(code).toContain('PieClient');
      expect(code).not.toMatch(NODE_ONLY);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
