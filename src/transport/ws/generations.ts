import { PieError, PieUnsupportedError } from '../../model/pie/errors.js';
import type { PieClientMessage, PieClientMessageType } from './messages.js';
import { isTypeOnly } from './codec.js';

/**
 * A Pie protocol generation: `'0.4'` is the engine's own WebSocket (key or token auth, 22
 * client kinds); `'0.5'` is the gateway of `pie-server` 0.5.x (`/v1/ws`, `x-pie-identity`,
 * 12 kinds); `'0.6'` is the 0.5 gateway plus launch `props`/`session`/`files` and
 * `add_program` by file name (the `pie-client` 0.6 crates).
 */
export type PieGeneration = '0.4' | '0.5' | '0.6';

/** What a client is told to speak: a generation, or `'auto'` (find out on connect). */
export type PieGenerationOption = 'auto' | PieGeneration;

/**
 * The wire table a message is shaped by: a generation, or `'gateway'` for a gateway whose
 * 0.5 vs 0.6 is not known yet (it speaks 0.5, and `add_program` carries both vocabularies).
 */
export type PieWireDialect = PieGeneration | 'gateway';

/**
 * The generations this client speaks, oldest first.
 *
 * @example
 * ```ts
 * import { PIE_GENERATIONS } from 'flame-pie-rx/pie';
 * PIE_GENERATIONS; // => ['0.4', '0.5', '0.6']
 * ```
 */
export const PIE_GENERATIONS: readonly PieGeneration[] = Object.freeze(['0.4', '0.5', '0.6'] as const);

/**
 * Whether a generation (or dialect) is served by a gateway (`/v1/ws`, identity header).
 *
 * @example
 * ```ts
 * import { isGateway } from 'flame-pie-rx/pie';
 * isGateway('0.5'); // => true
 * isGateway('0.4'); // => false
 * ```
 */
export function isGateway(generation: PieWireDialect): boolean {
  return generation !== '0.4';
}

type FieldTable = Readonly<Partial<Record<PieClientMessageType, readonly string[]>>>;

// The fields each generation's decoder reads, in declared order (pie.md 2.1 for 0.4;
// pie-gateway.md 3.2 for 0.5 and 0.6). A kind missing from a table does not exist there.
const SHARED: FieldTable = {
  auth_identify: ['username'],
  auth_prove: ['signature'],
  ping: [],
  query: ['subject', 'record'],
  attach_process: ['process_id'],
  terminate_process: ['process_id'],
  list_processes: [],
  signal_process: ['process_id', 'message'],
  transfer_file: ['process_id', 'file_hash', 'chunk_index', 'total_chunks', 'chunk_data'],
};
const UPLOAD = ['force_overwrite', 'chunk_index', 'total_chunks', 'chunk_data'];
const LAUNCH = ['inferlet', 'input', 'capture_outputs'];

const WIRE_TABLES: Readonly<Record<PieWireDialect, FieldTable>> = {
  '0.4': {
    ...SHARED,
    auth_by_token: ['token'],
    check_program: ['name', 'version', 'wasm_hash', 'manifest_hash'],
    add_program: ['program_hash', 'manifest', ...UPLOAD],
    launch_process: [...LAUNCH, 'token_budget'],
    launch_processes: ['inferlet', 'inputs', 'capture_outputs', 'token_budgets'],
    run_processes: ['inferlet', 'inputs', 'token_budgets'],
    launch_daemon: ['port', 'inferlet', 'input'],
    register_mcp_server: ['name', 'transport', 'command', 'args', 'url'],
    mcp_response: ['corr_id', 'ok', 'result'],
    submit_workflow: ['json'],
    cancel_workflow: ['workflow_id'],
    attach_workflow: ['workflow_id'],
    detach_workflow: ['workflow_id'],
  },
  '0.5': {
    ...SHARED,
    check_program: ['name', 'version'],
    add_program: ['program_hash', 'manifest', ...UPLOAD],
    launch_process: LAUNCH,
  },
  gateway: {
    ...SHARED,
    check_program: ['name', 'version'],
    // Both vocabularies: a 0.5 decoder reads `manifest`, a 0.6 one `file`/`version`, each
    // ignoring the other's keys (pie-gateway.md 4.6, "hybrid encoding").
    add_program: ['program_hash', 'manifest', 'file', 'version', ...UPLOAD],
    launch_process: LAUNCH,
  },
  '0.6': {
    ...SHARED,
    check_program: ['name', 'version'],
    add_program: ['program_hash', 'file', 'version', ...UPLOAD],
    launch_process: [...LAUNCH, 'props', 'session', 'files'],
  },
};

/**
 * The client message kinds a generation knows.
 *
 * @example
 * ```ts
 * import { clientMessageTypes } from 'flame-pie-rx/pie';
 * clientMessageTypes('0.4').length; // => 22
 * clientMessageTypes('0.5').length; // => 12
 * ```
 */
export function clientMessageTypes(dialect: PieWireDialect): PieClientMessageType[] {
  return Object.keys(WIRE_TABLES[dialect]) as PieClientMessageType[];
}

/**
 * A message as `dialect` reads it: only its fields, in its declared order (absent ones
 * left out). A kind the dialect does not have throws `PieUnsupportedError`, so it is never
 * sent to be dropped in silence.
 *
 * @example
 * ```ts
 * import { shapeForWire } from 'flame-pie-rx/pie';
 * shapeForWire({ type: 'launch_process', inferlet: 'a', input: '{}', capture_outputs: true, token_budget: 5 }, '0.5');
 * // => { type: 'launch_process', inferlet: 'a', input: '{}', capture_outputs: true }
 * ```
 */
export function shapeForWire<M extends PieClientMessage>(message: M, dialect: PieWireDialect): M {
  const fields = WIRE_TABLES[dialect][message.type];
  if (fields === undefined) throw new PieUnsupportedError({ operation: message.type, generation: dialect });
  const source = message as unknown as Record<string, unknown>;
  // A message of its type alone (ping, list_processes, …) is already in shape: no copy.
  if (isTypeOnly(source)) return message;
  const shaped: Record<string, unknown> = { type: message.type };
  for (const name of fields) if (source[name] !== undefined) shaped[name] = source[name];
  return shaped as unknown as M;
}

/** The WebSocket path of a gateway (pie-gateway.md 2.1). */
export const GATEWAY_PATH = '/v1/ws';

/**
 * The URL to open for a generation: for a gateway (or `auto`), `/v1/ws` is appended when
 * the URL has no path (as the Python and JavaScript 0.5 clients do); a 0.4 engine accepts
 * any path, so its URL is used as given. Query strings are kept.
 *
 * @example
 * ```ts
 * import { pieSocketUrl } from 'flame-pie-rx/pie';
 * pieSocketUrl('ws://127.0.0.1:8080', 'auto'); // => 'ws://127.0.0.1:8080/v1/ws'
 * pieSocketUrl('ws://edge.example/pie/ws', '0.5'); // => 'ws://edge.example/pie/ws'
 * pieSocketUrl('ws://127.0.0.1:8080', '0.4'); // => 'ws://127.0.0.1:8080'
 * ```
 */
export function pieSocketUrl(url: string, generation: PieGenerationOption): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PieError(`not a WebSocket URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new PieError(`a Pie URL must start with ws:// or wss://, got ${JSON.stringify(url)}`);
  }
  if (generation === '0.4' || (parsed.pathname !== '' && parsed.pathname !== '/')) return url;
  parsed.pathname = GATEWAY_PATH;
  return parsed.toString();
}
