// The gateway's decoder of client frames (pie-client-api 0.5.2 / 0.6.0 vocabularies, read
// with serde): binary MessagePack or JSON text, a map tagged by `type` (or the positional
// array form), unknown keys ignored. A frame it cannot decode yields the serde-style detail
// the gateway puts into its `bad client frame: …` text frame.
import { MsgpackFloat, MsgpackMap, readMsgpack, type MsgpackValue } from '../msgpack-reader.js';
import type { ClientMessage } from '../client-messages.js';
import type { GenerationProfile } from './profile.js';

type Kind = 'str' | 'optStr' | 'bool' | 'u32' | 'usize' | 'bin' | 'props' | 'files';
type Field = readonly [name: string, kind: Kind, defaulted?: 'default'];

const CORR = ['corr_id', 'u32'] as const;
const COMMON: Record<string, readonly Field[]> = {
  auth_identify: [CORR, ['username', 'str']],
  auth_prove: [CORR, ['signature', 'str']],
  check_program: [CORR, ['name', 'str'], ['version', 'str']],
  query: [CORR, ['subject', 'str'], ['record', 'str']],
  attach_process: [CORR, ['process_id', 'str']],
  terminate_process: [CORR, ['process_id', 'str']],
  signal_process: [['process_id', 'str'], ['message', 'str']],
  transfer_file: [['process_id', 'str'], ['file_hash', 'str'], ['chunk_index', 'usize'], ['total_chunks', 'usize'], ['chunk_data', 'bin']],
  list_processes: [CORR],
  ping: [CORR],
};
const UPLOAD_TAIL: readonly Field[] = [['force_overwrite', 'bool'], ['chunk_index', 'usize'], ['total_chunks', 'usize'], ['chunk_data', 'bin']];
const LAUNCH: readonly Field[] = [CORR, ['inferlet', 'str'], ['input', 'str'], ['capture_outputs', 'bool']];

function schemaOf(profile: GenerationProfile, type: string): readonly Field[] | undefined {
  if (type === 'add_program') {
    return profile.addProgram === 'manifest'
      ? [CORR, ['program_hash', 'str'], ['manifest', 'str'], ...UPLOAD_TAIL]
      : [CORR, ['program_hash', 'str'], ['file', 'str'], ['version', 'optStr', 'default'], ...UPLOAD_TAIL];
  }
  if (type === 'launch_process') {
    return profile.launchExtras
      ? [...LAUNCH, ['props', 'props', 'default'], ['session', 'optStr', 'default'], ['files', 'files', 'default']]
      : LAUNCH;
  }
  return COMMON[type];
}

/** Outcome of decoding one frame. */
export type GatewayDecoded = { message: ClientMessage } | { error: string };

class Refused extends Error {}

/** serde's `Unexpected` wording for a decoded value. */
function unexpected(value: MsgpackValue): string {
  if (value === null) return 'unit value';
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'bigint') return `integer \`${value}\``;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (value instanceof Uint8Array) return 'byte array';
  if (value instanceof MsgpackFloat) return `floating point \`${Number.isInteger(value.value) ? value.value.toFixed(1) : value.value}\``;
  if (value instanceof MsgpackMap) return 'map';
  if (Array.isArray(value)) return 'sequence';
  return 'newtype struct';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function str(value: MsgpackValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch {
      throw new Refused(`invalid type: byte array, expected a string`);
    }
  }
  throw new Refused(`invalid type: ${unexpected(value)}, expected a string`);
}

function uint(value: MsgpackValue, max: bigint, name: string): number {
  if (typeof value !== 'bigint') throw new Refused(`invalid type: ${unexpected(value)}, expected ${name}`);
  if (value < 0n || value > max) throw new Refused(`invalid value: integer \`${value}\`, expected ${name}`);
  return Number(value);
}

function bin(value: MsgpackValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // Seen on 0.5.2: a str where bytes are expected is taken as its UTF-8 bytes.
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (Array.isArray(value)) return Uint8Array.from(value, (byte) => uint(byte, 255n, 'u8'));
  throw new Refused(`invalid type: ${unexpected(value)}, expected a byte array`);
}

function mapEntries(value: MsgpackMap): [string, MsgpackValue][] {
  return value.entries.map(([key, item]) => [str(key), item]);
}

function props(value: MsgpackValue): Record<string, unknown> {
  const expected = 'props: a JSON object, or its JSON text';
  if (value instanceof MsgpackMap) return Object.fromEntries(mapEntries(value).map(([k, v]) => [k, toJson(v)]));
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Refused(`invalid value: string ${JSON.stringify(value)}, expected ${expected}`);
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new Refused(`invalid value: string ${JSON.stringify(value)}, expected ${expected}`);
  }
  throw new Refused(`invalid type: ${unexpected(value)}, expected ${expected}`);
}

function files(value: MsgpackValue): Record<string, Uint8Array> {
  if (!(value instanceof MsgpackMap)) throw new Refused(`invalid type: ${unexpected(value)}, expected a map`);
  return Object.fromEntries(mapEntries(value).map(([name, data]) => [name, bin(data)]));
}

function toJson(value: MsgpackValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof MsgpackFloat) return value.value;
  if (value instanceof MsgpackMap) return Object.fromEntries(mapEntries(value).map(([k, v]) => [k, toJson(v)]));
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Uint8Array) return [...value];
  return value;
}

function convert(value: MsgpackValue, kind: Kind): unknown {
  switch (kind) {
    case 'str':
      return str(value);
    case 'optStr':
      return value === null ? null : str(value);
    case 'bool':
      if (typeof value === 'boolean') return value;
      throw new Refused(`invalid type: ${unexpected(value)}, expected a boolean`);
    case 'u32':
      return uint(value, 0xffff_ffffn, 'u32');
    case 'usize':
      return uint(value, 0xffff_ffff_ffff_ffffn, 'usize');
    case 'bin':
      return bin(value);
    case 'props':
      return props(value);
    case 'files':
      return files(value);
  }
}

const DEFAULTS: Partial<Record<Kind, () => unknown>> = { props: () => ({}), files: () => ({}), optStr: () => null };

type Fields = { named: [string, MsgpackValue][] } | { positional: MsgpackValue[] };

function decodeFields(profile: GenerationProfile, type: string, fields: Fields): ClientMessage {
  const schema = schemaOf(profile, type);
  if (!schema || !profile.kinds.includes(type as never)) {
    throw new Refused(`unknown variant \`${type}\`, expected one of ${profile.kinds.map((k) => `\`${k}\``).join(', ')}`);
  }
  const message: Record<string, unknown> = { type };
  if ('positional' in fields) {
    const values = fields.positional;
    if (values.length !== schema.length) throw new Refused(`invalid length ${values.length}, expected ${schema.length} elements`);
    schema.forEach(([name, kind], i) => (message[name] = convert(values[i]!, kind)));
    return message as ClientMessage;
  }
  for (const [key, value] of fields.named) {
    const field = schema.find(([name]) => name === key);
    if (!field) continue;
    if (Object.hasOwn(message, key)) throw new Refused(`duplicate field \`${key}\``);
    message[key] = convert(value, field[1]);
  }
  for (const [name, kind, defaulted] of schema) {
    if (Object.hasOwn(message, name)) continue;
    if (!defaulted) throw new Refused(`missing field \`${name}\``);
    message[name] = DEFAULTS[kind]!();
  }
  if (type === 'add_program' && !Object.hasOwn(message, 'manifest')) message['manifest'] = '';
  return message as ClientMessage;
}

function decodeValue(profile: GenerationProfile, root: MsgpackValue): ClientMessage {
  if (root instanceof MsgpackMap) {
    const named: [string, MsgpackValue][] = [];
    let type: string | undefined;
    for (const [key, value] of root.entries) {
      const name = str(key);
      if (name === 'type') type = str(value);
      else named.push([name, value]);
    }
    if (type === undefined) throw new Refused('missing field `type`');
    return decodeFields(profile, type, { named });
  }
  if (Array.isArray(root) && root.length > 0) return decodeFields(profile, str(root[0]!), { positional: root.slice(1) });
  throw new Refused(`invalid type: ${unexpected(root)}, expected internally tagged enum ClientMessage`);
}

function fromJson(value: unknown): MsgpackValue {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : new MsgpackFloat(value);
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') return new MsgpackMap(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
  return value as MsgpackValue;
}

/**
 * Decodes one client frame the way the gateway of `profile` does.
 *
 * @example
 * ```ts
 * decodeGatewayFrame(GENERATIONS['0.5'], encode({ type: 'ping', corr_id: 1 }));
 * // => { message: { type: 'ping', corr_id: 1 } }
 * decodeGatewayFrame(GENERATIONS['0.5'], encode({ type: 'ping' }));
 * // => { error: 'missing field `corr_id`' }
 * ```
 */
export function decodeGatewayFrame(profile: GenerationProfile, frame: Uint8Array | string): GatewayDecoded {
  let root: MsgpackValue;
  if (typeof frame === 'string') {
    try {
      root = fromJson(JSON.parse(frame));
    } catch {
      // serde_json's position detail is not reproduced beyond the first character.
      return { error: /^[a-z]/.test(frame.trimStart()) ? 'expected ident at line 1 column 2' : 'expected value at line 1 column 1' };
    }
  } else {
    try {
      root = readMsgpack(frame);
    } catch {
      return { error: frame.includes(0xc1) ? 'wrong msgpack marker Reserved' : 'IO error while reading marker: failed to fill whole buffer' };
    }
  }
  try {
    return { message: decodeValue(profile, root) };
  } catch (error) {
    if (error instanceof Refused) return { error: error.message };
    throw error;
  }
}
