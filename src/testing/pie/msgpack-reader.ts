// A strict MessagePack reader that keeps the wire type of every value, so the emulator can
// tell an integer from a float and a bin from an ext, as the engine's decoder does
// (protocol reference 1.3/1.4). Generic libraries erase that distinction.
import { ClientError } from '../../model/errors.js';

/**
 * A MessagePack float (float32/float64): never accepted where the engine expects an integer.
 *
 * @example
 * ```ts
 * readMsgpack(Uint8Array.of(0xca, 0x40, 0, 0, 0)) instanceof MsgpackFloat; // => true
 * ```
 */
export class MsgpackFloat {
  constructor(readonly value: number) {}
}

/**
 * A MessagePack ext value: rejected wherever the engine expects bytes.
 *
 * @example
 * ```ts
 * readMsgpack(Uint8Array.of(0xd4, 0x12, 0x01)) instanceof MsgpackExt; // => true
 * ```
 */
export class MsgpackExt {
  constructor(
    readonly extType: number,
    readonly data: Uint8Array,
  ) {}
}

/** A decoded MessagePack value: integers as bigint, maps as ordered key/value pairs. */
export type MsgpackValue =
  | null
  | boolean
  | bigint
  | string
  | Uint8Array
  | MsgpackFloat
  | MsgpackExt
  | MsgpackValue[]
  | MsgpackMap;

/**
 * A MessagePack map, as its entries in wire order.
 *
 * @example
 * ```ts
 * (readMsgpack(Uint8Array.of(0x81, 0xa1, 0x61, 0x01)) as MsgpackMap).entries; // => [['a', 1n]]
 * ```
 */
export class MsgpackMap {
  constructor(readonly entries: [MsgpackValue, MsgpackValue][]) {}
}

/**
 * Thrown by `readMsgpack` on malformed input.
 *
 * @example
 * ```ts
 * try { readMsgpack(Uint8Array.of(0xc1)); } catch (e) { e instanceof MsgpackReadError; } // => true
 * ```
 */
export class MsgpackReadError extends ClientError {}

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the first MessagePack object of `bytes` (bytes after it are not read), keeping wire
 * types. Throws `MsgpackReadError` on truncated or invalid input.
 *
 * @example
 * ```ts
 * readMsgpack(Uint8Array.of(0x81, 0xa1, 0x61, 0x01)); // => MsgpackMap [['a', 1n]]
 * ```
 */
export function readMsgpack(bytes: Uint8Array): MsgpackValue {
  // A plain Uint8Array view, so bin values are plain Uint8Array copies even for Buffer input.
  const reader = new Reader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return reader.value(0);
}

class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    const at = this.offset;
    if (at + n > this.bytes.length) throw new MsgpackReadError('truncated MessagePack input');
    this.offset += n;
    return at;
  }

  private u8(): number {
    return this.view.getUint8(this.need(1));
  }
  private u16(): number {
    return this.view.getUint16(this.need(2));
  }
  private u32(): number {
    return this.view.getUint32(this.need(4));
  }

  private raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.slice(at, at + n);
  }

  private str(n: number): string {
    try {
      return utf8.decode(this.raw(n));
    } catch {
      throw new MsgpackReadError('invalid UTF-8 in str');
    }
  }

  private array(n: number, depth: number): MsgpackValue[] {
    const out: MsgpackValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  private map(n: number, depth: number): MsgpackMap {
    const entries: [MsgpackValue, MsgpackValue][] = [];
    for (let i = 0; i < n; i++) entries.push([this.value(depth + 1), this.value(depth + 1)]);
    return new MsgpackMap(entries);
  }

  private ext(n: number): MsgpackExt {
    const type = this.view.getInt8(this.need(1));
    return new MsgpackExt(type, this.raw(n));
  }

  value(depth: number): MsgpackValue {
    if (depth > MAX_DEPTH) throw new MsgpackReadError('MessagePack nesting too deep');
    const tag = this.u8();
    if (tag <= 0x7f) return BigInt(tag);
    if (tag >= 0xe0) return BigInt(tag - 0x100);
    if (tag >= 0x80 && tag <= 0x8f) return this.map(tag & 0x0f, depth);
    if (tag >= 0x90 && tag <= 0x9f) return this.array(tag & 0x0f, depth);
    if (tag >= 0xa0 && tag <= 0xbf) return this.str(tag & 0x1f);
    switch (tag) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return this.raw(this.u8());
      case 0xc5: return this.raw(this.u16());
      case 0xc6: return this.raw(this.u32());
      case 0xc7: return this.ext(this.u8());
      case 0xc8: return this.ext(this.u16());
      case 0xc9: return this.ext(this.u32());
      case 0xca: return new MsgpackFloat(this.view.getFloat32(this.need(4)));
      case 0xcb: return new MsgpackFloat(this.view.getFloat64(this.need(8)));
      case 0xcc: return BigInt(this.u8());
      case 0xcd: return BigInt(this.u16());
      case 0xce: return BigInt(this.u32());
      case 0xcf: return this.view.getBigUint64(this.need(8));
      case 0xd0: return BigInt(this.view.getInt8(this.need(1)));
      case 0xd1: return BigInt(this.view.getInt16(this.need(2)));
      case 0xd2: return BigInt(this.view.getInt32(this.need(4)));
      case 0xd3: return this.view.getBigInt64(this.need(8));
      case 0xd4: return this.ext(1);
      case 0xd5: return this.ext(2);
      case 0xd6: return this.ext(4);
      case 0xd7: return this.ext(8);
      case 0xd8: return this.ext(16);
      case 0xd9: return this.str(this.u8());
      case 0xda: return this.str(this.u16());
      case 0xdb: return this.str(this.u32());
      case 0xdc: return this.array(this.u16(), depth);
      case 0xdd: return this.array(this.u32(), depth);
      case 0xde: return this.map(this.u16(), depth);
      case 0xdf: return this.map(this.u32(), depth);
      default: throw new MsgpackReadError(`invalid MessagePack tag 0x${tag.toString(16)}`);
    }
  }
}
