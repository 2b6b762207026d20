// The Flame client configuration: `~/.flame/flame.yaml` (optional), environment variables
// and explicit options, merged as spec 4.4/4.5 recommend: options > env > file > defaults.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseFlameConfigFile, readFlameConfigText, type FlameFileContext } from './config-file.js';
import { FlameConfigError } from './errors.js';

/** TLS settings of one endpoint. */
export interface FlameTlsConfig {
  /** PEM file with the CA to trust; `~` already expanded. */
  caFile?: string;
}

/** The resolved client configuration of one context. */
export interface FlameConfig {
  /** The context used: the file's `current-context`, the `context` option, or `default` without a file. */
  contextName: string;
  /** The file read, when one was. */
  source?: string;
  cluster: { endpoint: string; tls?: FlameTlsConfig };
  cache: { endpoint: string; tls?: FlameTlsConfig; storage?: string };
  package?: { storage?: string; excludes?: string[] };
  runner?: { template?: string };
}

/** Where and how to load the configuration. */
export interface LoadFlameConfigOptions {
  /** A configuration file that must exist; default `~/.flame/flame.yaml`, which may be missing. */
  path?: string;
  /** A context to use instead of the file's `current-context`. */
  context?: string;
  /** Environment to read (FLAME_ENDPOINT, FLAME_CACHE_ENDPOINT, FLAME_CA_FILE, FLAME_CACHE_STORAGE, HOME); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Cluster endpoint, overriding file and environment. */
  endpoint?: string;
  /** Cluster CA file, overriding file and environment (also used for the cache when it names none). */
  caFile?: string;
}

/** Cluster endpoint when neither file nor environment gives one. */
export const DEFAULT_FLAME_ENDPOINT = 'http://127.0.0.1:8080';
/** Object cache endpoint when neither file nor environment gives one. */
export const DEFAULT_FLAME_CACHE_ENDPOINT = 'grpc://127.0.0.1:9090';
/** The context name used when there is no file (a choice: the spec names none). */
const NO_FILE_CONTEXT = 'default';

function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function withCaFallback(tls: FlameTlsConfig | undefined, caFile: string | undefined): FlameTlsConfig | undefined {
  if (caFile === undefined || tls?.caFile !== undefined) return tls;
  return { ...tls, caFile };
}

function fromFile(context: FlameFileContext, path: string): FlameConfig {
  const config: FlameConfig = {
    contextName: context.name,
    source: path,
    cluster: { endpoint: context.cluster.endpoint },
    cache: { endpoint: context.cache?.endpoint ?? DEFAULT_FLAME_CACHE_ENDPOINT },
  };
  if (context.cluster.tls) config.cluster.tls = { ...context.cluster.tls };
  if (context.cache?.tls) config.cache.tls = { ...context.cache.tls };
  if (context.cache?.storage !== undefined) config.cache.storage = context.cache.storage;
  if (context.package) config.package = { ...context.package };
  if (context.runner) config.runner = { ...context.runner };
  return config;
}

/**
 * Loads the Flame client configuration. The file (`options.path`, else
 * `~/.flame/flame.yaml` with the home directory resolved now, from `env.HOME` when an `env`
 * is given) is optional unless named explicitly; the context is `options.context` or the
 * file's `current-context`. Then FLAME_ENDPOINT, FLAME_CACHE_ENDPOINT (creating a cache
 * section that inherits the cluster TLS when the file has none), FLAME_CACHE_STORAGE and
 * FLAME_CA_FILE (only where the file set no `ca_file`) apply, then `endpoint`/`caFile`.
 * Problems throw `FlameConfigError` naming the file.
 *
 * @example
 * ```ts
 * import { loadFlameConfig } from 'flame-pie-rx/flame';
 * const config = loadFlameConfig({ env: { FLAME_ENDPOINT: 'http://flame:8080' } });
 * config.cluster.endpoint; // => 'http://flame:8080' (when ~/.flame/flame.yaml is absent or the env wins)
 * ```
 */
export function loadFlameConfig(options: LoadFlameConfigOptions = {}): FlameConfig {
  const env = options.env ?? process.env;
  const home = (options.env ? nonEmpty(env['HOME']) : undefined) ?? homedir();
  const explicitPath = options.path === undefined ? undefined : expandHome(options.path, home);
  const path = explicitPath ?? join(home, '.flame', 'flame.yaml');
  const text = readFlameConfigText(path, explicitPath !== undefined);

  let config: FlameConfig;
  let fileHasCache = false;
  if (text === undefined) {
    if (options.context !== undefined) {
      throw new FlameConfigError(`Context <${options.context}> not found (the file does not exist)`, { path });
    }
    config = {
      contextName: NO_FILE_CONTEXT,
      cluster: { endpoint: DEFAULT_FLAME_ENDPOINT },
      cache: { endpoint: DEFAULT_FLAME_CACHE_ENDPOINT },
    };
  } else {
    const context = parseFlameConfigFile(text, path, options.context);
    config = fromFile(context, path);
    fileHasCache = context.cache !== undefined;
  }

  const envEndpoint = nonEmpty(env['FLAME_ENDPOINT']);
  if (envEndpoint) config.cluster.endpoint = envEndpoint;
  const envCacheEndpoint = nonEmpty(env['FLAME_CACHE_ENDPOINT']);
  if (envCacheEndpoint) {
    config.cache.endpoint = envCacheEndpoint;
    if (!fileHasCache && config.cluster.tls) config.cache.tls = { ...config.cluster.tls };
  }
  const envStorage = nonEmpty(env['FLAME_CACHE_STORAGE']);
  if (envStorage) config.cache.storage = envStorage;
  // A CA named by the file wins over FLAME_CA_FILE; an explicit `caFile` wins for the
  // cluster, and fills the cache's CA (before FLAME_CA_FILE would) where the file set none.
  const envCaFile = nonEmpty(env['FLAME_CA_FILE']);
  setTls(config.cache, withCaFallback(config.cache.tls, options.caFile ?? envCaFile));
  if (options.caFile !== undefined) config.cluster.tls = { ...config.cluster.tls, caFile: options.caFile };
  else setTls(config.cluster, withCaFallback(config.cluster.tls, envCaFile));
  if (options.endpoint !== undefined) config.cluster.endpoint = options.endpoint;
  for (const section of [config.cluster, config.cache]) {
    if (section.tls?.caFile !== undefined) section.tls.caFile = expandHome(section.tls.caFile, home);
  }
  return config;
}

function setTls(section: { tls?: FlameTlsConfig }, tls: FlameTlsConfig | undefined): void {
  if (tls === undefined) delete section.tls;
  else section.tls = tls;
}
