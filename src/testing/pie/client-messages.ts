// The 22 client→server message kinds as the emulated engine decodes them (protocol
// reference 2.1, 1.3, 1.4). A frame that does not fit its schema is undecodable and is
// silently dropped by the caller.
import { MsgpackMap, readMsgpack, type MsgpackValue } from './msgpack-reader.js';

type FieldKind = 'str' | 'bool' | 'u32' | 'uint' | 'bin' | 'strs' | 'optUints';
type FieldSpec = readonly [name: string, kind: FieldKind, optional?: 'optional'];

const SCHEMAS = {
  auth_identify: [['corr_id', 'u32'], ['username', 'str']],
  auth_prove: [['corr_id', 'u32'], ['signature', 'str']],
  auth_by_token: [['corr_id', 'u32'], ['token', 'str']],
  ping: [['corr_id', 'u32']],
  query: [['corr_id', 'u32'], ['subject', 'str'], ['record', 'str']],
  check_program: [['corr_id', 'u32'], ['name', 'str'], ['version', 'str'], ['wasm_hash', 'str', 'optional'], ['manifest_hash', 'str', 'optional']],
  add_program: [['corr_id', 'u32'], ['program_hash', 'str'], ['manifest', 'str'], ['force_overwrite', 'bool'], ['chunk_index', 'uint'], ['total_chunks', 'uint'], ['chunk_data', 'bin']],
  launch_process: [['corr_id', 'u32'], ['inferlet', 'str'], ['input', 'str'], ['capture_outputs', 'bool'], ['token_budget', 'uint', 'optional']],
  launch_processes: [['corr_id', 'u32'], ['inferlet', 'str'], ['inputs', 'strs'], ['capture_outputs', 'bool'], ['token_budgets', 'optUints', 'optional']],
  run_processes: [['corr_id', 'u32'], ['inferlet', 'str'], ['inputs', 'strs'], ['token_budgets', 'optUints', 'optional']],
  launch_daemon: [['corr_id', 'u32'], ['port', 'u32'], ['inferlet', 'str'], ['input', 'str']],
  attach_process: [['corr_id', 'u32'], ['process_id', 'str']],
  terminate_process: [['corr_id', 'u32'], ['process_id', 'str']],
  list_processes: [['corr_id', 'u32']],
  signal_process: [['process_id', 'str'], ['message', 'str']],
  transfer_file: [['process_id', 'str'], ['file_hash', 'str'], ['chunk_index', 'uint'], ['total_chunks', 'uint'], ['chunk_data', 'bin']],
  register_mcp_server: [['corr_id', 'u32'], ['name', 'str'], ['transport', 'str'], ['command', 'str', 'optional'], ['args', 'strs', 'optional'], ['url', 'str', 'optional']],
  mcp_response: [['corr_id', 'u32'], ['ok', 'bool'], ['result', 'str']],
  submit_workflow: [['corr_id', 'u32'], ['json', 'str']],
  cancel_workflow: [['corr_id', 'u32'], ['workflow_id', 'str']],
  attach_workflow: [['corr_id', 'u32'], ['workflow_id', 'str']],
  detach_workflow: [['corr_id', 'u32'], ['workflow_id', 'str']],
} as const satisfies Record<string, readonly FieldSpec[]>;

/** Every client→server message kind the engine knows. */
export type ClientMessageType = keyof typeof SCHEMAS;

/**
 * A decoded client→server message. Unsigned integers are JS numbers (values above 2^53 lose
 * precision; the engine accepts them, no realistic client sends them); bytes are Uint8Array.
 */
export type ClientMessage =
  | { type: 'auth_identify'; corr_id: number; username: string }
  | { type: 'auth_prove'; corr_id: number; signature: string }
  | { type: 'auth_by_token'; corr_id: number; token: string }
  | { type: 'ping'; corr_id: number }
  | { type: 'query'; corr_id: number; subject: string; record: string }
  | { type: 'check_program'; corr_id: number; name: string; version: string; wasm_hash?: string; manifest_hash?: string }
  | {
      type: 'add_program'; corr_id: number; program_hash: string;
      /** The TOML manifest; `''` in generation 0.6, whose vocabulary names the program by `file` and `version` instead. */
      manifest: string;
      force_overwrite: boolean; chunk_index: number; total_chunks: number; chunk_data: Uint8Array;
      /** Generation 0.6: the artifact's file name. */
      file?: string;
      /** Generation 0.6: the version, or null when not given. */
      version?: string | null;
    }
  | {
      type: 'launch_process'; corr_id: number; inferlet: string; input: string; capture_outputs: boolean; token_budget?: number;
      /** Generation 0.6: launch props (`{}` when not sent). */
      props?: Record<string, unknown>;
      /** Generation 0.6: the session id, or null. */
      session?: string | null;
      /** Generation 0.6: files attached by name (`{}` when not sent). */
      files?: Record<string, Uint8Array>;
    }
  | { type: 'launch_processes'; corr_id: number; inferlet: string; inputs: string[]; capture_outputs: boolean; token_budgets?: (number | null)[] }
  | { type: 'run_processes'; corr_id: number; inferlet: string; inputs: string[]; token_budgets?: (number | null)[] }
  | { type: 'launch_daemon'; corr_id: number; port: number; inferlet: string; input: string }
  | { type: 'attach_process'; corr_id: number; process_id: string }
  | { type: 'terminate_process'; corr_id: number; process_id: string }
  | { type: 'list_processes'; corr_id: number }
  | { type: 'signal_process'; process_id: string; message: string }
  | { type: 'transfer_file'; process_id: string; file_hash: string; chunk_index: number; total_chunks: number; chunk_data: Uint8Array }
  | { type: 'register_mcp_server'; corr_id: number; name: string; transport: string; command?: string; args?: string[]; url?: string }
  | { type: 'mcp_response'; corr_id: number; ok: boolean; result: string }
  | { type: 'submit_workflow'; corr_id: number; json: string }
  | { type: 'cancel_workflow'; corr_id: number; workflow_id: string }
  | { type: 'attach_workflow'; corr_id: number; workflow_id: string }
  | { type: 'detach_workflow'; corr_id: number; workflow_id: string };

const INVALID = Symbol('invalid');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function asUint(value: MsgpackValue, max: bigint): number | typeof INVALID {
  if (typeof value !== 'bigint' || value < 0n || value > max) return INVALID;
  return Number(value);
}

function asStr(value: MsgpackValue): string | typeof INVALID {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch {
      return INVALID;
    }
  }
  return INVALID;
}

function asBin(value: MsgpackValue): Uint8Array | typeof INVALID {
  if (value instanceof Uint8Array) return value;
  if (!Array.isArray(value)) return INVALID;
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const byte = value[i];
    if (typeof byte !== 'bigint' || byte < 0n || byte > 255n) return INVALID;
    out[i] = Number(byte);
  }
  return out;
}

function convert(value: MsgpackValue, kind: FieldKind): unknown {
  switch (kind) {
    case 'str':
      return asStr(value);
    case 'bool':
      return typeof value === 'boolean' ? value : INVALID;
    case 'u32':
      return asUint(value, 0xffff_ffffn);
    case 'uint':
      return asUint(value, 0xffff_ffff_ffff_ffffn);
    case 'bin':
      return asBin(value);
    case 'strs': {
      if (!Array.isArray(value)) return INVALID;
      const out: string[] = [];
      for (const item of value) {
        const text = asStr(item);
        if (text === INVALID) return INVALID;
        out.push(text);
      }
      return out;
    }
    case 'optUints': {
      if (!Array.isArray(value)) return INVALID;
      const out: (number | null)[] = [];
      for (const item of value) {
        if (item === null) {
          out.push(null);
          continue;
        }
        const n = asUint(item, 0xffff_ffff_ffff_ffffn);
        if (n === INVALID) return INVALID;
        out.push(n);
      }
      return out;
    }
  }
}

/**
 * Decodes one binary WebSocket frame into a client message, or returns `undefined` when the
 * engine would find it undecodable (not MessagePack, not a map, unknown `type`, a missing
 * required field, a wrong wire type such as a float, a negative number, an ext or an
 * integer boolean). Unknown keys are ignored; `nil` means an absent optional field.
 *
 * @example
 * ```ts
 * decodeClientFrame(Buffer.from('82a474797065a470696e67a7636f72725f696401', 'hex'));
 * // => { type: 'ping', corr_id: 1 }
 * ```
 */
export function decodeClientFrame(frame: Uint8Array): ClientMessage | undefined {
  let root: MsgpackValue;
  try {
    root = readMsgpack(frame);
  } catch {
    return undefined;
  }
  if (!(root instanceof MsgpackMap)) return undefined;
  const fields = new Map<string, MsgpackValue>();
  for (const [key, value] of root.entries) {
    if (typeof key !== 'string') return undefined;
    fields.set(key, value);
  }
  const type = fields.get('type');
  if (typeof type !== 'string' || !Object.hasOwn(SCHEMAS, type)) return undefined;
  const schema: readonly FieldSpec[] = SCHEMAS[type as ClientMessageType];
  const message: Record<string, unknown> = { type };
  for (const [name, kind, optional] of schema) {
    const raw = fields.get(name);
    if (raw === undefined || raw === null) {
      if (optional) continue;
      return undefined;
    }
    const converted = convert(raw, kind);
    if (converted === INVALID) return undefined;
    message[name] = converted;
  }
  return message as ClientMessage;
}

