import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { FlameConfigError } from '../../../src/model/flame/errors.js';
import { FlameClient } from '../../../src/observables/flame/client.js';
import { FlameEmulator } from '../../../src/testing/flame/index.js';
import { fastBackoff, one } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('FlameClient.connect (Flame %s)', (version) => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function emulator(options: Parameters<typeof FlameEmulator.start>[0] = {}): Promise<FlameEmulator> {
    const emu = await FlameEmulator.start({ version, ...options });
    cleanups.push(() => emu.close());
    return emu;
  }
  function track(client: FlameClient): FlameClient {
    cleanups.push(() => client.close());
    return client;
  }
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'flame-client-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  it('reads a configuration file: the current context, or a named one', async () => {
    const emu = await emulator();
    const dir = tempDir();
    const path = join(dir, 'flame.yaml');
    writeFileSync(
      path,
      [
        'current-context: emu',
        'contexts:',
        '  - name: emu',
        '    cluster:',
        `      endpoint: "${emu.endpoint}"`,
        '  - name: elsewhere',
        '    cluster:',
        '      endpoint: "http://127.0.0.1:1"',
        '',
      ].join('\n'),
    );
    const current = track(FlameClient.connect({ configPath: path, env: {}, backoff: fastBackoff }));
    expect(current.config).toMatchObject({ contextName: 'emu', source: path, cluster: { endpoint: emu.endpoint } });
    expect((await one(current.listApplications())).length).toBeGreaterThanOrEqual(3);

    const named = track(FlameClient.connect({ configPath: path, context: 'elsewhere', env: {}, backoff: fastBackoff }));
    expect(named.endpoint).toBe('http://127.0.0.1:1');
    expect(named.config?.contextName).toBe('elsewhere');

    expect(() => FlameClient.connect({ configPath: path, context: 'nope', env: {} })).toThrow(FlameConfigError);
    expect(() => FlameClient.connect({ configPath: join(dir, 'missing.yaml'), env: {} })).toThrow(FlameConfigError);
  });

  it('takes the endpoint from FLAME_ENDPOINT when there is no file, and an explicit endpoint over both', async () => {
    const emu = await emulator();
    const home = tempDir();
    const fromEnv = track(FlameClient.connect({ env: { HOME: home, FLAME_ENDPOINT: emu.endpoint }, backoff: fastBackoff }));
    expect(fromEnv.config?.contextName).toBe('default');
    expect(fromEnv.endpoint).toBe(emu.endpoint);
    await one(fromEnv.listNodes());

    const explicit = track(
      FlameClient.connect({ endpoint: emu.endpoint, env: { HOME: home, FLAME_ENDPOINT: 'http://127.0.0.1:1' } }),
    );
    expect(explicit.endpoint).toBe(emu.endpoint);
    await one(explicit.listNodes());
  });

  it('connects over TLS with the CA from the configuration', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
      ],
    });
    const emu = await emulator({ tls: { cert: pems.cert, key: pems.private } });
    const dir = tempDir();
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pems.cert);
    const path = join(dir, 'flame.yaml');
    writeFileSync(
      path,
      [
        'current-context: secure',
        'contexts:',
        '  - name: secure',
        '    cluster:',
        `      endpoint: "${emu.endpoint}"`,
        '      tls:',
        `        ca_file: "${caFile}"`,
        '',
      ].join('\n'),
    );
    const client = track(FlameClient.connect({ configPath: path, env: {}, backoff: fastBackoff }));
    expect(client.endpoint).toMatch(/^https:\/\/localhost:/);
    expect((await one(client.listApplications())).map((a) => a.name)).toContain('flmrun');
  });

  it('state$ reports ready once connected and closed after close()', async () => {
    const emu = await emulator();
    const client = FlameClient.connect({ endpoint: emu.endpoint, env: {}, backoff: fastBackoff });
    const kinds: string[] = [];
    const done = new Promise<void>((resolve) => client.state$.subscribe({ next: (s) => kinds.push(s.kind), complete: resolve }));
    await one(client.listApplications());
    client.close();
    await done;
    expect(kinds).toContain('ready');
    expect(kinds.at(-1)).toBe('closed');
  });
});
