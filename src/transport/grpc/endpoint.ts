import { FlameEndpointError } from './errors.js';

/**
 * The port used when a Flame endpoint names none. Flame's own default (the port of
 * `cluster.endpoint` in flame-cluster.yaml) is 8080; the Python SDK assumes it too, whereas
 * the Rust SDK would fall back to the scheme's port (80/443). We follow the Python SDK.
 *
 * @example
 * ```ts
 * import { DEFAULT_FLAME_PORT, parseFlameEndpoint } from 'flame-pie-rx/flame';
 * parseFlameEndpoint('http://flame').port === DEFAULT_FLAME_PORT; // => true
 * ```
 */
export const DEFAULT_FLAME_PORT = 8080;

/** A parsed Flame endpoint: what the channel dials and how. */
export interface FlameEndpoint {
  /** The endpoint as given. */
  readonly endpoint: string;
  /** `https` means TLS; `http` means plaintext (even when a CA is configured, like the SDKs). */
  readonly scheme: 'http' | 'https';
  readonly tls: boolean;
  /** Host name or IP address, without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
  /** The gRPC target string, `host:port` (`[v6]:port` for IPv6). */
  readonly target: string;
  /** The name the server certificate must match: the URL host (spec section 1). */
  readonly serverName: string;
}

/**
 * Parses a Flame Frontend endpoint such as `http://127.0.0.1:8080` or `https://flame.example`
 * (port 8080 when absent). Anything else (other schemes, paths, user info, bad ports,
 * garbage) throws `FlameEndpointError`.
 *
 * @example
 * ```ts
 * import { parseFlameEndpoint } from 'flame-pie-rx/flame';
 * parseFlameEndpoint('https://flame.example').target; // => 'flame.example:8080'
 * ```
 */
export function parseFlameEndpoint(endpoint: string): FlameEndpoint {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new FlameEndpointError(String(endpoint), 'expected a URL such as http://host:8080');
  }
  const text = endpoint.trim();
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(text);
  if (!match) throw new FlameEndpointError(endpoint, 'expected a URL such as http://host:8080');
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!;
  const rest = match[3]!;
  if (scheme !== 'http' && scheme !== 'https') {
    throw new FlameEndpointError(endpoint, `unsupported scheme "${scheme}" (use http or https)`);
  }
  if (authority.includes('@')) throw new FlameEndpointError(endpoint, 'user info is not supported');
  if (rest !== '' && rest !== '/') throw new FlameEndpointError(endpoint, 'a path, query or fragment is not supported');
  if (authority === '') throw new FlameEndpointError(endpoint, 'missing host');
  // Split host and port by hand: `URL` drops a port equal to the scheme's default
  // (http://h:80 → ''), and only a port that is really absent defaults to 8080.
  const bracketEnd = authority.startsWith('[') ? authority.indexOf(']') + 1 : 0;
  const colon = authority.indexOf(':', bracketEnd);
  const hostText = colon < 0 ? authority : authority.slice(0, colon);
  const portText = colon < 0 ? undefined : authority.slice(colon + 1);
  if (hostText === '') throw new FlameEndpointError(endpoint, 'missing host');
  if (portText === '') throw new FlameEndpointError(endpoint, 'empty port');
  if (portText !== undefined && !/^\d+$/.test(portText)) throw new FlameEndpointError(endpoint, 'malformed port');
  const port = portText === undefined ? DEFAULT_FLAME_PORT : Number(portText);
  if (port < 1 || port > 65535) throw new FlameEndpointError(endpoint, 'port must be within 1..65535');
  let bracketed: string;
  try {
    bracketed = new URL(`${scheme}://${hostText}`).hostname; // IPv6 stays in brackets here
  } catch {
    throw new FlameEndpointError(endpoint, 'malformed host');
  }
  if (bracketed === '') throw new FlameEndpointError(endpoint, 'missing host');
  const host = bracketed.startsWith('[') ? bracketed.slice(1, -1) : bracketed;
  return Object.freeze({
    endpoint,
    scheme,
    tls: scheme === 'https',
    host,
    port,
    target: `${bracketed}:${port}`,
    serverName: host,
  });
}
