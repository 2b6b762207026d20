import { CodecError } from './errors.js';

/**
 * Turns task payloads (inputs, outputs, common data) into bytes and back. `encode` may
 * return `undefined` for "no payload"; `decode` receives `undefined` for an absent or empty
 * payload (Flame does not tell the two apart, spec 2.8).
 *
 * @example
 * ```ts
 * import type { TaskCodec } from 'flame-pie-rx/flame';
 * const numberCodec: TaskCodec<number> = {
 *   encode: (n) => new TextEncoder().encode(String(n)),
 *   decode: (b) => Number(new TextDecoder().decode(b)),
 * };
 * ```
 */
export interface TaskCodec<T> {
  encode(value: T): Uint8Array | undefined;
  decode(bytes: Uint8Array | undefined): T;
}

/** An empty payload is the same as none (spec 2.8). */
function presentOrUndefined(bytes: Uint8Array | undefined): Uint8Array | undefined {
  return bytes === undefined || bytes.byteLength === 0 ? undefined : bytes;
}

/**
 * Passes bytes through unchanged; an empty array reads as `undefined` (no payload).
 *
 * @example
 * ```ts
 * import { bytesCodec } from 'flame-pie-rx/flame';
 * bytesCodec.encode(new Uint8Array([1, 2])); // => Uint8Array [1, 2]
 * bytesCodec.decode(new Uint8Array(0)); // => undefined
 * ```
 */
export const bytesCodec: TaskCodec<Uint8Array | undefined> = Object.freeze({
  encode: presentOrUndefined,
  decode: presentOrUndefined,
});

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new CodecError(`task payload is not valid UTF-8 (${bytes.byteLength} bytes)`, { cause });
  }
}

/**
 * UTF-8 text. The empty string is sent as no payload, and no payload reads as `''`;
 * invalid UTF-8 throws `CodecError`.
 *
 * @example
 * ```ts
 * import { textCodec } from 'flame-pie-rx/flame';
 * textCodec.decode(textCodec.encode('héllo')); // => 'héllo'
 * textCodec.decode(undefined); // => ''
 * ```
 */
export const textCodec: TaskCodec<string> = Object.freeze({
  encode: (value: string) => (value === '' ? undefined : utf8Encoder.encode(value)),
  decode: (bytes: Uint8Array | undefined) => {
    const present = presentOrUndefined(bytes);
    return present === undefined ? '' : decodeUtf8(present);
  },
});

/**
 * UTF-8 JSON, the format of the Rust SDK's `#[derive(FlameMessage)]`. `undefined` is sent
 * as no payload and no payload reads as `undefined`; a value JSON cannot represent (a
 * function, a BigInt, a cycle) or bytes that are not JSON throw `CodecError`.
 *
 * @example
 * ```ts
 * import { jsonCodec } from 'flame-pie-rx/flame';
 * const codec = jsonCodec<{ sum: number }>();
 * codec.decode(codec.encode({ sum: 3 })); // => { sum: 3 }
 * ```
 */
export function jsonCodec<T = unknown>(): TaskCodec<T> {
  return {
    encode(value: T): Uint8Array | undefined {
      if (value === undefined) return undefined;
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (cause) {
        throw new CodecError(`cannot encode task payload as JSON: ${(cause as Error).message}`, { cause });
      }
      if (text === undefined) {
        throw new CodecError(`cannot encode task payload as JSON: a ${typeof value} has no JSON form`);
      }
      return utf8Encoder.encode(text);
    },
    decode(bytes: Uint8Array | undefined): T {
      const present = presentOrUndefined(bytes);
      if (present === undefined) return undefined as T;
      const text = decodeUtf8(present);
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new CodecError(`task payload is not valid JSON: ${(cause as Error).message}`, { cause });
      }
    },
  };
}
