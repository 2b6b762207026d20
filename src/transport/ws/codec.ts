import { Decoder, Encoder } from '@msgpack/msgpack';
import { PieProtocolError } from '../../model/pie/errors.js';
import type {
  PieClientMessage,
  PieFileFrame,
  PieMcpRequestFrame,
  PieProcessEventFrame,
  PieRequestMessage,
  PieResponse,
  PieServerMessage,
} from './messages.js';
import { ProcessEventReader } from './process-event-reader.js';

/**
 * The largest `corr_id` the engine accepts (u32); 2^32 or more fails to decode (spec 1.4).
 *
 * @example
 * ```ts
 * import { MAX_CORR_ID } from 'flame-pie-rx/pie';
 * MAX_CORR_ID; // => 4294967295
 * ```
 */
export const MAX_CORR_ID = 0xffff_ffff;

// `ignoreUndefined` omits absent optional fields instead of writing nil; `useBigInt64`
// writes bigint values as uint64 (spec 1.5). Uint8Array is written as bin by default.
// Caveat (verified with @msgpack/msgpack 3.1): with `useBigInt64` on, a plain number of
// 2^32 or more is written as float64, which the engine rejects; `wideIntegers` turns such
// numbers into bigints first.
const encoder = new Encoder({ ignoreUndefined: true, useBigInt64: true });
// One reused decoder (the top-level `decode` builds a new one per call); it clones itself
// if a decode is ever re-entered.
const decoder = new Decoder();
// Process events (most frames by far) are read straight from their bytes when they have
// the usual layout; everything else goes through `decoder`.
const processEvents = new ProcessEventReader();

/**
 * Encodes a client message as one MessagePack map with `type` first, then `corr_id` (when
 * given), then the message's fields in their declared order.
 *
 * @example
 * ```ts
 * import { encodeClientMessage } from 'flame-pie-rx/pie';
 * encodeClientMessage({ type: 'ping' }, 1); // => bytes 82 a4 "type" a4 "ping" a7 "corr_id" 01
 * ```
 */
export function encodeClientMessage(message: PieClientMessage, corrId?: number): Uint8Array {
  if (corrId !== undefined && isTypeOnly(message)) return encodeTypeAndCorrId(message.type, corrId);
  const ordered: Record<string, unknown> = { type: message.type };
  if (corrId !== undefined) ordered['corr_id'] = corrId;
  for (const [key, value] of Object.entries(message)) {
    if (key !== 'type' && !(key === 'corr_id' && corrId !== undefined)) ordered[key] = wideIntegers(value);
  }
  return encoder.encode(ordered);
}

/**
 * Encodes a request message with its connection-assigned `corr_id` (a u32).
 *
 * @example
 * ```ts
 * import { encodeRequest } from 'flame-pie-rx/pie';
 * encodeRequest({ type: 'list_processes' }, 7).length > 0; // => true
 * ```
 */
export function encodeRequest(message: PieRequestMessage, corrId: number): Uint8Array {
  return encodeClientMessage(message, corrId);
}

/**
 * Decodes one binary frame from the server and checks its shape. Anything that is not a
 * MessagePack map of a known server kind with the right field types throws
 * `PieProtocolError`. Unknown extra keys are ignored (as the engine ignores them).
 *
 * @example
 * ```ts
 * import { decodeServerFrame } from 'flame-pie-rx/pie';
 * const hex = '84a474797065a8726573706f6e7365a7636f72725f696401a26f6bc3a6726573756c74a4506f6e67';
 * decodeServerFrame(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
 * // => { type: 'response', corr_id: 1, ok: true, result: 'Pong' }
 * ```
 */
export function decodeServerFrame(bytes: Uint8Array): PieServerMessage {
  const event = processEvents.read(bytes);
  if (event) return event;
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (error) {
    throw new PieProtocolError(`frame is not one MessagePack value (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new PieProtocolError(`frame is not a MessagePack map (got ${describe(value)})`);
  }
  const map = value as Record<string, unknown>;
  const type = map['type'];
  switch (type) {
    case 'response':
      return {
        type,
        corr_id: field(map, type, 'corr_id', isU32),
        ok: field(map, type, 'ok', isBool),
        result: field(map, type, 'result', isStr),
      } satisfies PieResponse;
    case 'process_event':
      return {
        type,
        process_id: field(map, type, 'process_id', isStr),
        event: field(map, type, 'event', isStr),
        value: field(map, type, 'value', isStr),
      } satisfies PieProcessEventFrame;
    case 'file': {
      // Gateways add `name` (str, nil or absent, pie-gateway.md 3.3).
      const name = map['name'];
      if (name !== undefined && name !== null && typeof name !== 'string') {
        throw new PieProtocolError(`file frame field "name" must be str or nil (got ${describe(name)})`);
      }
      return {
        type,
        process_id: field(map, type, 'process_id', isStr),
        file_hash: field(map, type, 'file_hash', isStr),
        chunk_index: field(map, type, 'chunk_index', isUint),
        total_chunks: field(map, type, 'total_chunks', isUint),
        chunk_data: field(map, type, 'chunk_data', isBin),
        ...(typeof name === 'string' ? { name } : {}),
      } satisfies PieFileFrame;
    }
    case 'mcp_request':
      return {
        type,
        corr_id: field(map, type, 'corr_id', isU32),
        process_id: field(map, type, 'process_id', isStr),
        server_name: field(map, type, 'server_name', isStr),
        method: field(map, type, 'method', isStr),
        params: field(map, type, 'params', isStr),
      } satisfies PieMcpRequestFrame;
    default:
      throw new PieProtocolError(
        typeof type === 'string' ? `unknown server message type "${truncate(type)}"` : `frame has no string "type" (got ${describe(type)})`,
      );
  }
}

/**
 * Whether a message carries its `type` alone (ping, list_processes, …).
 *
 * @example
 * ```ts
 * isTypeOnly({ type: 'ping' }); // => true
 * ```
 */
export function isTypeOnly(message: object): boolean {
  for (const key in message) if (key !== 'type') return false;
  return true;
}

/**
 * `{ type, corr_id }` frames (ping, list_processes, …): the encoder's own bytes for the
 * map up to the `corr_id` value, computed once per type, then the id as the smallest
 * MessagePack unsigned integer, as the encoder writes it.
 */
const typePrefixes = new Map<string, Uint8Array>();

function encodeTypeAndCorrId(type: string, corrId: number): Uint8Array {
  if (!Number.isInteger(corrId) || corrId < 0 || corrId > MAX_CORR_ID) return encoder.encode({ type, corr_id: corrId });
  let prefix = typePrefixes.get(type);
  if (prefix === undefined) {
    // The map ends with corr_id 0, one byte (positive fixint): everything before it is the prefix.
    prefix = encoder.encode({ type, corr_id: 0 }).slice(0, -1);
    if (typePrefixes.size < 64) typePrefixes.set(type, prefix);
  }
  const size = corrId < 0x80 ? 1 : corrId < 0x100 ? 2 : corrId < 0x10000 ? 3 : 5;
  const bytes = new Uint8Array(prefix.length + size);
  bytes.set(prefix);
  let at = prefix.length;
  if (size === 1) bytes[at] = corrId;
  else if (size === 2) {
    bytes[at++] = 0xcc;
    bytes[at] = corrId;
  } else if (size === 3) {
    bytes[at++] = 0xcd;
    bytes[at++] = corrId >>> 8;
    bytes[at] = corrId & 0xff;
  } else {
    bytes[at++] = 0xce;
    bytes[at++] = corrId >>> 24;
    bytes[at++] = (corrId >>> 16) & 0xff;
    bytes[at++] = (corrId >>> 8) & 0xff;
    bytes[at] = corrId & 0xff;
  }
  return bytes;
}

/** Integer numbers outside the 32-bit range become bigint (so they are written as 64-bit integers). */
function wideIntegers(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && (value > 0xffff_ffff || value < -0x8000_0000) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(wideIntegers);
  return value;
}

interface Check<T> {
  (value: unknown): value is T;
  readonly wireType: string;
}

function check<T>(wireType: string, test: (value: unknown) => boolean): Check<T> {
  return Object.assign((value: unknown): value is T => test(value), { wireType });
}

const isStr = check<string>('str', (v) => typeof v === 'string');
const isBool = check<boolean>('bool', (v) => typeof v === 'boolean');
const isU32 = check<number>('u32', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_CORR_ID);
const isUint = check<number>('uint', (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
const isBin = check<Uint8Array>('bin', (v) => v instanceof Uint8Array);

function field<T>(map: Record<string, unknown>, type: string, name: string, test: Check<T>): T {
  const value = map[name];
  if (value === undefined) throw new PieProtocolError(`${type} frame is missing "${name}"`);
  if (!test(value)) throw new PieProtocolError(`${type} frame field "${name}" must be ${test.wireType} (got ${describe(value)})`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'nil';
  if (value instanceof Uint8Array) return 'bin';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : 'float';
  return typeof value === 'object' ? 'map' : typeof value;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
