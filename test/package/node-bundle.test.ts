// An application bundled for Node (esbuild --platform=node, CommonJS and ESM output), run
// from a folder with no node_modules: everything the package loads lazily (yaml for a
// configuration file, sshpk for a key, rxjs module by module) must be inside the bundle, and
// nothing may need `import.meta.url` where a CommonJS bundle has none.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from './built.js';

const run = promisify(execFile);

const APP = `
import { lastValueFrom, toArray } from 'rxjs';
import { FlameClient } from 'flame-pie-rx/flame';
import { PieClient } from 'flame-pie-rx/pie';
import { FlameEmulator, PieEmulator } from 'flame-pie-rx/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

async function main(dir, keyPath) {
  const flame = await FlameEmulator.start();
  const config = join(dir, 'flame.yaml');
  writeFileSync(config, 'current-context: local\\ncontexts:\\n  - name: local\\n    cluster:\\n      endpoint: ' + flame.endpoint + '\\n');
  const client = FlameClient.connect({ configPath: config, env: {} });
  const apps = await lastValueFrom(client.listApplications());
  client.close();
  await flame.close();
  const pie = await PieEmulator.start();
  const pieClient = await PieClient.connect(pie.url, { username: 'alice', key: keyPath });
  const ms = await lastValueFrom(pieClient.ping());
  pieClient.close();
  await pie.close();
  console.log(JSON.stringify({ apps: apps.length, ping: typeof ms }));
}
main(process.argv[2], process.argv[3]).catch((error) => { console.error(String(error && error.stack || error)); process.exit(1); });
`;

let dir = '';
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'fpr-node-bundle-'));
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('flame-pie-rx bundled into a Node application', () => {
  for (const format of ['cjs', 'esm'] as const) {
    it(`esbuild --platform=node --format=${format}: runs with no node_modules, config file and key included`, async () => {
      const out = join(dir, `app.${format === 'cjs' ? 'cjs' : 'mjs'}`);
      await build({
        stdin: { contents: APP, resolveDir: root, loader: 'js' },
        absWorkingDir: root,
        bundle: true,
        platform: 'node',
        format,
        outfile: out,
        logLevel: 'silent',
        // The usual recipe for ESM bundles of CommonJS dependencies (grpc-js requires Node's modules).
        ...(format === 'esm' ? { banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } } : {}),
      });
      const { stdout } = await run(process.execPath, [out, dir, join(dir, 'key.pem')], { cwd: dir, timeout: 30_000 });
      expect(JSON.parse(stdout.trim())).toEqual({ apps: expect.any(Number), ping: 'number' });
    }, 60_000);
  }
});
