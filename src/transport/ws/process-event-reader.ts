import type { PieProcessEventFrame } from './messages.js';

// MessagePack string headers (fixstr, str8, str16, str32) and a fixmap of 4 entries.
const FIXMAP_4 = 0x84;
const KEY_TYPE = bytesOf('type');
const KEY_PROCESS_ID = bytesOf('process_id');
const KEY_EVENT = bytesOf('event');
const KEY_VALUE = bytesOf('value');
const PROCESS_EVENT = bytesOf('process_event');
/** The five event kinds (spec 4.3), read without building a new string each time. */
const KINDS = ['stdout', 'stderr', 'message', 'return', 'error'].map((name) => ({ name, bytes: bytesOf(name) }));
/** As in @msgpack/msgpack: longer strings go through TextDecoder whatever they hold. */
const TEXT_DECODER_THRESHOLD = 200;
const textDecoder = new TextDecoder();
/** Up to this many bytes, a string is built one ASCII character at a time (tokens, ids). */
const SHORT = 48;
/**
 * The shortest frame this reader can return: the map's header, the four keys and the type
 * with their headers, and three strings of one byte each (an empty one goes the general way).
 */
const SHORTEST_FRAME = 1 + [KEY_TYPE, KEY_PROCESS_ID, KEY_EVENT, KEY_VALUE, PROCESS_EVENT].reduce((sum, key) => sum + 1 + key.length, 0) + 3 * 2;

/**
 * Reads the frame a process stream is made of, `{ type: 'process_event', process_id, event,
 * value }` as one MessagePack map of four strings, straight from its bytes: the type and the
 * event kind are compared, not decoded, and a process id equal to the previous frame's is
 * reused. Returns `undefined` for anything else (another frame, another layout, extra keys
 * or bytes, a short string that is not ASCII), which the caller then decodes the general
 * way; so what it returns is always what the general decoder would have made of the bytes.
 *
 * @example
 * ```ts
 * const reader = new ProcessEventReader();
 * reader.read(new Uint8Array([0x80])); // => undefined (an empty map: decode it the general way)
 * ```
 */
export class ProcessEventReader {
  private idBytes: Uint8Array = new Uint8Array(0);
  private id = '';
  private at = 0;
  private start = 0;
  private end = 0;

  read(bytes: Uint8Array): PieProcessEventFrame | undefined {
    if (bytes.length < SHORTEST_FRAME || bytes[0] !== FIXMAP_4) return undefined;
    this.at = 1;
    let process_id: string | undefined;
    let event: string | undefined;
    let value: string | undefined;
    let sawType = false;
    for (let entry = 0; entry < 4; entry++) {
      if (!this.str(bytes)) return undefined;
      const keyStart = this.start;
      const keyLength = this.end - keyStart;
      if (!this.str(bytes)) return undefined;
      if (keyLength === 4 && same(bytes, keyStart, KEY_TYPE)) {
        if (sawType || !this.is(bytes, PROCESS_EVENT)) return undefined;
        sawType = true;
      } else if (keyLength === 10 && same(bytes, keyStart, KEY_PROCESS_ID)) {
        if (process_id !== undefined) return undefined;
        process_id = this.processId(bytes);
      } else if (keyLength === 5 && same(bytes, keyStart, KEY_EVENT)) {
        if (event !== undefined) return undefined;
        event = this.kind(bytes);
      } else if (keyLength === 5 && same(bytes, keyStart, KEY_VALUE)) {
        if (value !== undefined) return undefined;
        value = this.text(bytes);
      } else {
        return undefined;
      }
      if (process_id === '' || event === '' || value === '') {
        // '' marks a string this reader does not decode (see `text`); a real empty string
        // is rare enough to take the general path too.
        return undefined;
      }
    }
    if (this.at !== bytes.length || !sawType || process_id === undefined || event === undefined || value === undefined) return undefined;
    return { type: 'process_event', process_id, event, value };
  }

  /** Reads a string header at `at`: sets `start`/`end` to its bytes and moves past them. */
  private str(bytes: Uint8Array): boolean {
    const at = this.at;
    const head = bytes[at]!;
    let length: number;
    let start: number;
    if ((head & 0xe0) === 0xa0) {
      length = head & 0x1f;
      start = at + 1;
    } else if (head === 0xd9) {
      length = bytes[at + 1]!;
      start = at + 2;
    } else if (head === 0xda) {
      length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
      start = at + 3;
    } else if (head === 0xdb) {
      length = ((bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!) >>> 0;
      start = at + 5;
    } else {
      return false;
    }
    const end = start + length;
    if (end > bytes.length || Number.isNaN(end)) return false;
    this.start = start;
    this.end = end;
    this.at = end;
    return true;
  }

  private is(bytes: Uint8Array, expected: Uint8Array): boolean {
    return this.end - this.start === expected.length && same(bytes, this.start, expected);
  }

  private processId(bytes: Uint8Array): string {
    // Before the first id, idBytes is empty and matches only an empty id, which stays ''.
    if (this.is(bytes, this.idBytes)) return this.id;
    const id = this.text(bytes);
    if (id !== '') {
      this.idBytes = bytes.slice(this.start, this.end);
      this.id = id;
    }
    return id;
  }

  private kind(bytes: Uint8Array): string {
    for (const kind of KINDS) if (this.is(bytes, kind.bytes)) return kind.name;
    return this.text(bytes);
  }

  /** The string at `start`..`end`, or '' when it is empty or a short one that is not ASCII. */
  private text(bytes: Uint8Array): string {
    const { start, end } = this;
    const length = end - start;
    if (length > TEXT_DECODER_THRESHOLD) return textDecoder.decode(bytes.subarray(start, end));
    if (length > SHORT) {
      // ASCII reads the same through either decoder; other text of this length is left to
      // the general decoder, whose loop does not validate UTF-8 as TextDecoder does.
      for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return '';
      return textDecoder.decode(bytes.subarray(start, end));
    }
    let result = '';
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return '';
      result += String.fromCharCode(byte);
    }
    return result;
  }
}

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function same(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}
