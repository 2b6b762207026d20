// Texts the gateway of pie-server 0.5.2 writes, byte for byte as it was seen to write them
// (upgrade refusals, response results, text frames). Builders take the variable parts.

/**
 * Fixed texts of the gateway.
 *
 * @example
 * ```ts
 * GATEWAY_TEXT.alreadyAuthenticated; // => 'Already authenticated'
 * ```
 */
export const GATEWAY_TEXT = {
  alreadyAuthenticated: 'Already authenticated',
  missingIdentity: 'identity: missing `x-pie-identity` (edge must inject verified identity)',
  emptyIdentity: 'identity: empty `x-pie-identity`',
  identityNotUtf8: 'identity: `x-pie-identity` is not valid UTF-8',
  methodNotGet: 'Request method must be `GET`',
  connectionNotUpgrade: "Connection header did not include 'upgrade'",
  upgradeNotWebsocket: "`Upgrade` header did not include 'websocket'",
  versionNot13: "`Sec-WebSocket-Version` header did not include '13'",
  keyMissing: '`Sec-WebSocket-Key` header missing',
  alreadyAttached: 'Cannot attach: already attached',
  /** Owner name `list_processes` reports for every process behind the gateway. */
  processOwner: 'internal',
  /** The text frame that ends the turn of one request. */
  turnDone: '{"type":"turn_done"}',
} as const;

/**
 * `unknown query subject "<s>" (known: model_status)`.
 *
 * @example
 * ```ts
 * unknownQuerySubject('bogus'); // => 'unknown query subject "bogus" (known: model_status)'
 * ```
 */
export function unknownQuerySubject(subject: string): string {
  return `unknown query subject ${JSON.stringify(subject)} (known: model_status)`;
}

/**
 * `no program named '<name>' is installed` (a launch by bare name).
 *
 * @example
 * ```ts
 * noProgramNamed('text-completion'); // => "no program named 'text-completion' is installed"
 * ```
 */
export function noProgramNamed(name: string): string {
  return `no program named '${name}' is installed`;
}

/**
 * `program <id> is not installed (looked in <dir>)` (a launch by `name@version`).
 *
 * @example
 * ```ts
 * programNotInstalled('x@1.0.0', '/root/.pie/inferlets'); // => 'program x@1.0.0 is not installed (looked in /root/.pie/inferlets)'
 * ```
 */
export function programNotInstalled(id: string, dir: string): string {
  return `program ${id} is not installed (looked in ${dir})`;
}

/**
 * `Program hash mismatch: declared <a>, uploaded <b>`.
 *
 * @example
 * ```ts
 * programHashMismatch('abc', 'c83d…'); // => 'Program hash mismatch: declared abc, uploaded c83d…'
 * ```
 */
export function programHashMismatch(declared: string, uploaded: string): string {
  return `Program hash mismatch: declared ${declared}, uploaded ${uploaded}`;
}

/**
 * The text frame the gateway sends for a frame it cannot decode:
 * `{"type":"error","message":"bad client frame: <detail>"}`.
 *
 * @example
 * ```ts
 * badClientFrame('missing field `corr_id`'); // => '{"type":"error","message":"bad client frame: missing field `corr_id`"}'
 * ```
 */
export function badClientFrame(detail: string): string {
  return JSON.stringify({ type: 'error', message: `bad client frame: ${detail}` });
}
