import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlameConfigError, loadFlameConfig } from '../../../src/model/flame/index.js';

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flame-config-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

/** Writes `~/.flame/flame.yaml` under the temporary home and returns its path. */
function writeDefaultFile(text: string): string {
  mkdirSync(join(home, '.flame'));
  const path = join(home, '.flame', 'flame.yaml');
  writeFileSync(path, text);
  return path;
}

function writeFile(name: string, text: string): string {
  const path = join(home, name);
  writeFileSync(path, text);
  return path;
}

function configError(fn: () => unknown): FlameConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FlameConfigError);
    return error as FlameConfigError;
  }
  throw new Error('expected a FlameConfigError');
}

const TWO_CONTEXTS = `
current-context: prod
contexts:
  - name: dev
    cluster:
      endpoint: "http://dev:8080"
  - name: prod
    cluster:
      endpoint: "https://flame-session-manager:8080"
      tls:
        ca_file: "~/certs/ca.crt"
    cache:
      endpoint: "grpcs://flame-object-cache:9090"
      tls:
        ca_file: "/etc/cache-ca.crt"
      storage: "/shared/cache"
    package:
      storage: "file:///shared/pkgs"
      excludes: ["*.log"]
    runner:
      template: "flmrun"
`;

describe('loadFlameConfig without a file', () => {
  it('uses the defaults when ~/.flame/flame.yaml is missing', () => {
    expect(loadFlameConfig({ env: { HOME: home } })).toEqual({
      contextName: 'default',
      cluster: { endpoint: 'http://127.0.0.1:8080' },
      cache: { endpoint: 'grpc://127.0.0.1:9090' },
    });
  });

  it('applies the environment over the defaults', () => {
    const config = loadFlameConfig({
      env: {
        HOME: home,
        FLAME_ENDPOINT: 'https://flame:8443',
        FLAME_CACHE_ENDPOINT: 'grpcs://cache:9443',
        FLAME_CA_FILE: '/ca.pem',
        FLAME_CACHE_STORAGE: '/var/cache/flame',
      },
    });
    expect(config).toEqual({
      contextName: 'default',
      cluster: { endpoint: 'https://flame:8443', tls: { caFile: '/ca.pem' } },
      cache: { endpoint: 'grpcs://cache:9443', tls: { caFile: '/ca.pem' }, storage: '/var/cache/flame' },
    });
  });

  it('ignores empty environment variables', () => {
    expect(loadFlameConfig({ env: { HOME: home, FLAME_ENDPOINT: '', FLAME_CA_FILE: ' ' } }).cluster).toEqual({
      endpoint: 'http://127.0.0.1:8080',
    });
  });

  it('fails on a named context when there is no file', () => {
    const e = configError(() => loadFlameConfig({ env: { HOME: home }, context: 'dev' }));
    expect(e.message).toBe(
      `Flame config ${join(home, '.flame', 'flame.yaml')}: Context <dev> not found (the file does not exist)`,
    );
  });

  it('fails when an explicit path is missing, naming it', () => {
    const path = join(home, 'nope.yaml');
    const e = configError(() => loadFlameConfig({ path, env: { HOME: home } }));
    expect(e.message).toBe(`Flame config ${path}: file not found`);
    expect(e.path).toBe(path);
  });

  it('fails when the path is a directory', () => {
    expect(configError(() => loadFlameConfig({ path: home, env: {} })).message).toBe(
      `Flame config ${home}: is not a file`,
    );
  });
});

describe('loadFlameConfig with a file', () => {
  it('reads the current context from ~/.flame/flame.yaml, resolved from env.HOME', () => {
    const path = writeDefaultFile(TWO_CONTEXTS);
    expect(loadFlameConfig({ env: { HOME: home } })).toEqual({
      contextName: 'prod',
      source: path,
      cluster: { endpoint: 'https://flame-session-manager:8080', tls: { caFile: join(home, 'certs', 'ca.crt') } },
      cache: {
        endpoint: 'grpcs://flame-object-cache:9090',
        tls: { caFile: '/etc/cache-ca.crt' },
        storage: '/shared/cache',
      },
      package: { storage: 'file:///shared/pkgs', excludes: ['*.log'] },
      runner: { template: 'flmrun' },
    });
  });

  it('picks a named context instead of current-context', () => {
    const path = writeFile('flame.yaml', TWO_CONTEXTS);
    expect(loadFlameConfig({ path, context: 'dev', env: {} })).toEqual({
      contextName: 'dev',
      source: path,
      cluster: { endpoint: 'http://dev:8080' },
      cache: { endpoint: 'grpc://127.0.0.1:9090' },
    });
  });

  it('expands ~ in an explicit path', () => {
    writeFile('custom.yaml', TWO_CONTEXTS);
    expect(loadFlameConfig({ path: '~/custom.yaml', env: { HOME: home } }).source).toBe(join(home, 'custom.yaml'));
  });

  it('lets the environment override the file, and options override both', () => {
    const path = writeFile('flame.yaml', TWO_CONTEXTS);
    const env = { FLAME_ENDPOINT: 'http://env:1', FLAME_CACHE_ENDPOINT: 'grpc://env:2', FLAME_CACHE_STORAGE: '/env' };
    const fromEnv = loadFlameConfig({ path, env });
    expect(fromEnv.cluster.endpoint).toBe('http://env:1');
    expect(fromEnv.cache).toEqual({ endpoint: 'grpc://env:2', tls: { caFile: '/etc/cache-ca.crt' }, storage: '/env' });
    const fromOptions = loadFlameConfig({ path, env, endpoint: 'http://option:3', caFile: '/option-ca.pem' });
    expect(fromOptions.cluster).toEqual({ endpoint: 'http://option:3', tls: { caFile: '/option-ca.pem' } });
    // The cache names its own CA in the file, so an explicit cluster CA does not replace it.
    expect(fromOptions.cache.tls).toEqual({ caFile: '/etc/cache-ca.crt' });
  });

  it('uses FLAME_CA_FILE only where the file set no ca_file', () => {
    const path = writeFile(
      'flame.yaml',
      `current-context: c
contexts:
  - name: c
    cluster:
      endpoint: https://flame:8080
      tls:
        ca_file: /file-ca.pem
    cache:
      endpoint: grpcs://cache:9090
`,
    );
    const config = loadFlameConfig({ path, env: { FLAME_CA_FILE: '/env-ca.pem' } });
    expect(config.cluster.tls).toEqual({ caFile: '/file-ca.pem' });
    expect(config.cache.tls).toEqual({ caFile: '/env-ca.pem' });
  });

  it('lets an explicit caFile win over FLAME_CA_FILE for cluster and cache, but not over the file', () => {
    const path = writeFile(
      'flame.yaml',
      'current-context: c\ncontexts:\n  - name: c\n    cluster:\n      endpoint: https://f:1\n      tls: { ca_file: /file-ca.pem }\n    cache:\n      endpoint: grpcs://c:2\n',
    );
    const config = loadFlameConfig({ path, env: { HOME: home, FLAME_CA_FILE: '/env-ca.pem' }, caFile: '~/option-ca.pem' });
    expect(config.cluster.tls).toEqual({ caFile: join(home, 'option-ca.pem') });
    expect(config.cache.tls).toEqual({ caFile: join(home, 'option-ca.pem') });
    expect(loadFlameConfig({ path, env: { FLAME_CA_FILE: '/env-ca.pem' } }).cluster.tls).toEqual({ caFile: '/file-ca.pem' });
  });

  it('creates a cache section from FLAME_CACHE_ENDPOINT that inherits the cluster TLS', () => {
    const path = writeFile(
      'flame.yaml',
      `current-context: c
contexts:
  - name: c
    cluster:
      endpoint: https://flame:8080
      tls:
        ca_file: /cluster-ca.pem
`,
    );
    expect(loadFlameConfig({ path, env: {} }).cache).toEqual({ endpoint: 'grpc://127.0.0.1:9090' });
    expect(loadFlameConfig({ path, env: { FLAME_CACHE_ENDPOINT: 'grpcs://cache:9090' } }).cache).toEqual({
      endpoint: 'grpcs://cache:9090',
      tls: { caFile: '/cluster-ca.pem' },
    });
  });

  it('defaults the cache endpoint when the cache section names none', () => {
    const path = writeFile(
      'flame.yaml',
      'current-context: c\ncontexts:\n  - name: c\n    cluster: { endpoint: "http://f:1" }\n    cache: { storage: /s }\n',
    );
    expect(loadFlameConfig({ path, env: {} }).cache).toEqual({ endpoint: 'grpc://127.0.0.1:9090', storage: '/s' });
  });
});

describe('loadFlameConfig file errors', () => {
  const cases: [string, string, string][] = [
    ['malformed YAML', 'current-context: [c\ncontexts: x\n', 'malformed YAML: '],
    ['duplicate keys', 'current-context: a\ncurrent-context: b\n', 'malformed YAML: Map keys must be unique'],
    ['a list at the top', '- a\n- b\n', 'expected a mapping at the top level'],
    ['an empty file', '', 'expected a mapping at the top level'],
    ['no current-context', 'contexts: []\n', 'missing current-context'],
    ['a non-string current-context', 'current-context: [a]\ncontexts: []\n', 'current-context must be a string'],
    ['contexts not a list', 'current-context: a\ncontexts: {a: 1}\n', 'contexts must be a list'],
    ['a missing context', 'current-context: dev\ncontexts:\n  - name: prod\n    cluster: {endpoint: "http://p:1"}\n', 'Context <dev> not found'],
    ['no contexts at all', 'current-context: dev\n', 'Context <dev> not found'],
    ['no cluster', 'current-context: a\ncontexts:\n  - name: a\n', 'context <a> has no cluster section'],
    ['no endpoint', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {}\n', 'context <a> has no cluster.endpoint'],
    ['an empty endpoint', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {endpoint: ""}\n', 'context <a> has no cluster.endpoint'],
    ['a numeric endpoint', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {endpoint: 8080}\n', 'contexts[0].cluster.endpoint must be a string'],
    ['cluster not a mapping', 'current-context: a\ncontexts:\n  - name: a\n    cluster: "http://x"\n', 'contexts[0].cluster must be a mapping'],
    ['a numeric ca_file', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {endpoint: "http://x", tls: {ca_file: 1}}\n', 'contexts[0].cluster.tls.ca_file must be a string'],
    ['tls not a mapping', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {endpoint: "http://x", tls: yes}\n', 'contexts[0].cluster.tls must be a mapping'],
    ['a numeric cache storage', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {endpoint: "http://x"}\n    cache: {storage: 3}\n', 'contexts[0].cache.storage must be a string'],
    ['bad package excludes', 'current-context: a\ncontexts:\n  - name: a\n    cluster: {endpoint: "http://x"}\n    package: {excludes: "*.log"}\n', 'contexts[0].package.excludes must be a list of strings'],
  ];

  it.each(cases)('%s', (_label, text, problem) => {
    const path = writeDefaultFile(text);
    const e = configError(() => loadFlameConfig({ env: { HOME: home } }));
    expect(e.message.startsWith(`Flame config ${path}: ${problem}`)).toBe(true);
    expect(e.path).toBe(path);
  });

  it('reports the bad context only when it is the one used', () => {
    const path = writeFile(
      'flame.yaml',
      'current-context: good\ncontexts:\n  - name: bad\n    cluster: {}\n  - name: good\n    cluster: {endpoint: "http://g:1"}\n',
    );
    expect(loadFlameConfig({ path, env: {} }).cluster.endpoint).toBe('http://g:1');
    expect(configError(() => loadFlameConfig({ path, env: {}, context: 'bad' })).problem).toBe(
      'context <bad> has no cluster.endpoint',
    );
  });

  it('gives the first line of a YAML parser error', () => {
    const path = writeFile('flame.yaml', 'current-context: [c\ncontexts: x\n');
    const e = configError(() => loadFlameConfig({ path, env: {} }));
    expect(e.problem).not.toContain('\n');
    expect(e.problem).toMatch(/^malformed YAML: .+ at line \d+, column \d+$/);
  });
});
