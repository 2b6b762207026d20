// Object cache endpoint URLs (flame.md 1 and 6.1, flame-0.7.md 3.8): grpc:// plaintext,
// grpcs:// and grpc+tls:// TLS, grpcs-proxy://host:port TLS to a gateway that routes by
// the `x-flame-object-cache` metadata. Default port 9090 (mandatory for grpcs-proxy).
import { FlameEndpointError } from '../../transport/grpc/errors.js';

/** The cache's default port. */
export const DEFAULT_FLAME_CACHE_PORT = 9090;

/** A parsed cache endpoint. */
export interface FlameCacheEndpoint {
  readonly endpoint: string;
  readonly scheme: 'grpc' | 'grpcs' | 'grpc+tls' | 'grpcs-proxy';
  readonly tls: boolean;
  /** A gateway: reference operations name their owner in `x-flame-object-cache`. */
  readonly proxy: boolean;
  /** Host without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
  /** `host:port` (`[v6]:port`), what grpc-js dials and what the proxy header carries. */
  readonly target: string;
}

/**
 * Parses a cache endpoint; anything else (other schemes, user info, a path, a bad port)
 * throws `FlameEndpointError`.
 *
 * @example
 * ```ts
 * import { parseFlameCacheEndpoint } from 'flame-pie-rx/flame/cache';
 * parseFlameCacheEndpoint('grpc://cache').target; // => 'cache:9090'
 * ```
 */
export function parseFlameCacheEndpoint(endpoint: string): FlameCacheEndpoint {
  const bad = (reason: string): never => {
    throw new FlameEndpointError(String(endpoint), reason);
  };
  if (typeof endpoint !== 'string' || endpoint.trim() === '') bad('expected a URL such as grpc://host:9090');
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(endpoint.trim());
  if (!match) return bad('expected a URL such as grpc://host:9090');
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!;
  if (scheme !== 'grpc' && scheme !== 'grpcs' && scheme !== 'grpc+tls' && scheme !== 'grpcs-proxy') {
    return bad(`unsupported scheme "${scheme}" (use grpc, grpcs, grpc+tls or grpcs-proxy)`);
  }
  if (authority.includes('@')) bad('user info is not supported');
  if (match[3] !== '' && match[3] !== '/') bad('a path, query or fragment is not supported');
  const bracketEnd = authority.startsWith('[') ? authority.indexOf(']') + 1 : 0;
  const colon = authority.indexOf(':', bracketEnd);
  const hostText = colon < 0 ? authority : authority.slice(0, colon);
  const portText = colon < 0 ? undefined : authority.slice(colon + 1);
  if (hostText === '' || hostText === '[]') bad('missing host');
  if (portText === undefined && scheme === 'grpcs-proxy') bad('grpcs-proxy needs an explicit port');
  if (portText !== undefined && !/^\d+$/.test(portText)) bad('malformed port');
  const port = portText === undefined ? DEFAULT_FLAME_CACHE_PORT : Number(portText);
  if (port < 1 || port > 65535) bad('port must be within 1..65535');
  const host = hostText.startsWith('[') ? hostText.slice(1, -1) : hostText;
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) bad('malformed host');
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return Object.freeze({
    endpoint,
    scheme: scheme as FlameCacheEndpoint['scheme'],
    tls: scheme !== 'grpc',
    proxy: scheme === 'grpcs-proxy',
    host,
    port,
    target: `${bracketed}:${port}`,
  });
}
