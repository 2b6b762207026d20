// Reading and checking one context of a Flame client configuration file (spec 4.4). Every
// problem becomes a FlameConfigError naming the file and what is wrong with it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { FlameConfigError } from './errors.js';

/**
 * `yaml`, loaded on the first configuration file parsed: most processes read none, and
 * loading it costs about as much start-up time as the rest of the Flame client's imports.
 */
let yaml: typeof Yaml | undefined;
// Where `require` exists (the CommonJS build, and an application bundled to CommonJS, whose
// bundler sees the literal `require('yaml')` and bundles yaml) it is used; Node's ESM loader
// has none, and `createRequire` gives one there. The CommonJS build (scripts/build.mjs)
// replaces `import.meta.url` with the file's own URL.
const loadYaml = (): typeof Yaml =>
  (yaml ??= (typeof require === 'function'
    ? require('yaml')
    : // @ts-ignore TS1343: `import.meta` is ESM syntax, reported only by the CommonJS build
      createRequire(import.meta.url)('yaml')) as typeof Yaml);

/** TLS settings of one endpoint in the file. */
export interface FlameFileTls {
  caFile?: string;
}

/** One context as written in the file, checked for shape but not yet merged with defaults. */
export interface FlameFileContext {
  name: string;
  cluster: { endpoint: string; tls?: FlameFileTls };
  cache?: { endpoint?: string; tls?: FlameFileTls; storage?: string };
  package?: { storage?: string; excludes?: string[] };
  runner?: { template?: string };
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the file's text; `undefined` when it does not exist and `required` is false.
 *
 * @example
 * ```ts
 * import { readFlameConfigText } from './config-file.js';
 * readFlameConfigText('/nonexistent/flame.yaml', false); // => undefined
 * ```
 */
export function readFlameConfigText(path: string, required: boolean): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    const problem =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is not a file' : `cannot read: ${(error as Error).message}`;
    throw new FlameConfigError(problem, { path, cause: error });
  }
}

/**
 * Parses the YAML text of a configuration file and returns the context named `contextName`
 * (or the file's `current-context`), checking the types of every field it uses.
 *
 * @example
 * ```ts
 * import { parseFlameConfigFile } from './config-file.js';
 * const text = 'current-context: dev\ncontexts:\n  - name: dev\n    cluster:\n      endpoint: http://flame:8080\n';
 * parseFlameConfigFile(text, '/home/me/.flame/flame.yaml').cluster.endpoint; // => 'http://flame:8080'
 * ```
 */
export function parseFlameConfigFile(text: string, path: string, contextName?: string): FlameFileContext {
  const fail = (problem: string): never => {
    throw new FlameConfigError(problem, { path });
  };
  const document = loadYaml().parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0]!.message.split('\n')[0]!.replace(/:$/, '');
    fail(`malformed YAML: ${first}`);
  }
  let root: unknown;
  try {
    // yaml stops expanding aliases past maxAliasCount (an "alias bomb" grows exponentially).
    root = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    fail(`unusable YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isMapping(root)) fail('expected a mapping at the top level');
  const top = root as Mapping;
  let name = contextName;
  if (name === undefined) {
    const current = top['current-context'];
    if (current === undefined || current === null || current === '') fail('missing current-context');
    if (typeof current !== 'string') fail('current-context must be a string');
    name = current as string;
  }
  const contexts = top['contexts'] ?? [];
  if (!Array.isArray(contexts)) fail('contexts must be a list');
  const index = (contexts as unknown[]).findIndex((c) => isMapping(c) && c['name'] === name);
  if (index < 0) fail(`Context <${name}> not found`);
  return readContext((contexts as Mapping[])[index]!, `contexts[${index}]`, name!, fail);
}

function readContext(raw: Mapping, at: string, name: string, fail: (problem: string) => never): FlameFileContext {
  const str = (value: unknown, field: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') fail(`${at}.${field} must be a string`);
    return value as string;
  };
  const section = (value: unknown, field: string): Mapping | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!isMapping(value)) fail(`${at}.${field} must be a mapping`);
    return value as Mapping;
  };
  const tls = (value: unknown, field: string): FlameFileTls | undefined => {
    const t = section(value, field);
    if (t === undefined) return undefined;
    const caFile = str(t['ca_file'], `${field}.ca_file`);
    return caFile === undefined ? {} : { caFile };
  };

  const cluster = section(raw['cluster'], 'cluster') ?? fail(`context <${name}> has no cluster section`);
  const endpoint = str(cluster['endpoint'], 'cluster.endpoint');
  if (!endpoint) fail(`context <${name}> has no cluster.endpoint`);
  const result: FlameFileContext = { name, cluster: { endpoint: endpoint! } };
  const clusterTls = tls(cluster['tls'], 'cluster.tls');
  if (clusterTls) result.cluster.tls = clusterTls;

  const cache = section(raw['cache'], 'cache');
  if (cache) {
    const cacheEndpoint = str(cache['endpoint'], 'cache.endpoint');
    const cacheTls = tls(cache['tls'], 'cache.tls');
    const storage = str(cache['storage'], 'cache.storage');
    result.cache = {
      ...(cacheEndpoint ? { endpoint: cacheEndpoint } : {}),
      ...(cacheTls ? { tls: cacheTls } : {}),
      ...(storage === undefined ? {} : { storage }),
    };
  }
  const pkg = section(raw['package'], 'package');
  if (pkg) {
    const storage = str(pkg['storage'], 'package.storage');
    const excludes = pkg['excludes'];
    if (excludes !== undefined && excludes !== null && !(Array.isArray(excludes) && excludes.every((e) => typeof e === 'string'))) {
      fail(`${at}.package.excludes must be a list of strings`);
    }
    result.package = {
      ...(storage === undefined ? {} : { storage }),
      ...(Array.isArray(excludes) ? { excludes: [...(excludes as string[])] } : {}),
    };
  }
  const runner = section(raw['runner'], 'runner');
  if (runner) {
    const template = str(runner['template'], 'runner.template');
    result.runner = template === undefined ? {} : { template };
  }
  return result;
}
