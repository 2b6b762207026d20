// What the emulated engine checks of an uploaded program, standing in for the real engine's
// compilation (which answers `Failed to compile WASM: failed to parse WebAssembly module` for
// anything that is not a WebAssembly component). How far the check goes:
//   - the preamble: `\0asm`, then the component version 0x0d and layer 1 (a core module,
//     version 1 layer 0, is refused like any other non-component);
//   - the section framing: every section has an id of the component binary format (0–12) and
//     a well-formed LEB128 size that stays inside the file, and the sections fill it exactly;
//   - the names of the top-level export sections (id 11), read to find the `run` interface.
// Section contents are not validated further (types, indices, nested modules, canonical
// functions): a well-framed component with nonsense inside is accepted.

/** The outcome of checking program bytes. */
export type ComponentCheck = { ok: true; exports: string[] } | { ok: false };

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00];
const EXPORT_SECTION = 11;
const LAST_SECTION_ID = 12;

class Cursor {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.offset = start;
  }
  byte(): number {
    if (this.offset >= this.end) throw new RangeError('truncated');
    return this.bytes[this.offset++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new RangeError('u32 too large');
        return result;
      }
    }
    throw new RangeError('LEB128 too long');
  }
  /** A signed LEB128 (s33): only its length matters here. */
  skipSigned(): void {
    for (let i = 0; i < 5; i++) if ((this.byte() & 0x80) === 0) return;
    throw new RangeError('LEB128 too long');
  }
  name(): string {
    const length = this.u32();
    if (this.offset + length > this.end) throw new RangeError('truncated name');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }
}

/** `externdesc` of the component binary format (only skipped over). */
function skipExternDesc(c: Cursor): void {
  const tag = c.byte();
  if (tag === 0x00) {
    if (c.byte() !== 0x11) throw new RangeError('bad core module type');
    c.u32();
  } else if (tag === 0x01 || tag === 0x04 || tag === 0x05) {
    c.u32();
  } else if (tag === 0x02) {
    c.skipSigned(); // valtype: a primitive (one negative byte) or a type index
  } else if (tag === 0x03) {
    if (c.byte() === 0x00) c.u32();
  } else {
    throw new RangeError('bad externdesc');
  }
}

/** The names exported by one export section (`exportname'`, `sortidx`, optional `externdesc`). */
function exportNames(c: Cursor): string[] {
  const names: string[] = [];
  const count = c.u32();
  for (let i = 0; i < count; i++) {
    const kind = c.byte();
    if (kind !== 0x00 && kind !== 0x01) throw new RangeError('bad export name');
    names.push(c.name());
    if (kind === 0x01) c.name(); // a version suffix
    if (c.byte() === 0x00) c.byte(); // sort (a core sort takes a second byte)
    c.u32(); // index
    if (c.byte() === 0x01) skipExternDesc(c);
  }
  return names;
}

/**
 * Whether `bytes` are a WebAssembly component (to the extent described at the top of this
 * file), with the names of its top-level exports.
 *
 * @example
 * ```ts
 * checkComponent(buildComponent({ exports: ['inferlet:core/run'] })); // => { ok: true, exports: ['inferlet:core/run'] }
 * checkComponent(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])); // => { ok: false } (a core module)
 * ```
 */
export function checkComponent(bytes: Uint8Array): ComponentCheck {
  if (bytes.length < 8) return { ok: false };
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i] || bytes[i + 4] !== COMPONENT_VERSION[i]) return { ok: false };
  const exports: string[] = [];
  const c = new Cursor(bytes, 8, bytes.length);
  try {
    while (c.offset < bytes.length) {
      const id = c.byte();
      if (id > LAST_SECTION_ID) return { ok: false };
      const size = c.u32();
      const end = c.offset + size;
      if (end > bytes.length) return { ok: false };
      if (id === EXPORT_SECTION) {
        const section = new Cursor(bytes, c.offset, end);
        exports.push(...exportNames(section));
        if (section.offset !== end) return { ok: false };
      }
      c.offset = end;
    }
  } catch {
    return { ok: false };
  }
  return { ok: true, exports };
}

/**
 * Whether an export name is the inferlet's `run` interface: `run` itself, or an interface
 * path ending in `/run` (with or without an `@version`), such as `inferlet:core/run`. The
 * engine's exact rule is not documented; this is the emulator's.
 *
 * @example
 * ```ts
 * isRunExport('inferlet:core/run@0.1.0'); // => true
 * ```
 */
export function isRunExport(name: string): boolean {
  return /(^|\/)run(@[^/]*)?$/.test(name);
}

function leb128(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

function nameBytes(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...leb128(bytes.length), ...bytes];
}

/** Options of `buildComponent`. */
export interface BuildComponentOptions {
  /** Top-level export names (default `['inferlet:core/run']`; `[]` for a component without `run`). */
  readonly exports?: readonly string[];
  /**
   * Exact total size in bytes, reached with a custom section (default: as small as possible).
   * A custom section takes at least 6 bytes, so the 5 sizes just above the minimum are refused.
   */
  readonly size?: number;
}

/**
 * A minimal WebAssembly component binary for tests: the component preamble, one export
 * section naming `exports` (each an instance export of index 0), and optionally a custom
 * section padding it to `size` bytes. PieEmulator accepts it as a program; launching it runs
 * the code registered with `registerInferlet` for the manifest's `name@version`.
 *
 * @example
 * ```ts
 * import { buildComponent } from 'flame-pie-rx/testing';
 * client.addProgram({ wasm: buildComponent(), manifest: '[package]\nname = "echo"\nversion = "1.0.0"\n' });
 * ```
 */
export function buildComponent(options: BuildComponentOptions = {}): Uint8Array {
  const names = options.exports ?? ['inferlet:core/run'];
  const body = [...leb128(names.length)];
  for (const name of names) body.push(0x00, ...nameBytes(name), 0x05, 0x00, 0x00);
  const head = [...MAGIC, ...COMPONENT_VERSION, EXPORT_SECTION, ...leb128(body.length), ...body];
  if (options.size === undefined || options.size === head.length) return Uint8Array.from(head);
  // Custom section: id 0, size, name "pad", payload. Find a payload length that makes the
  // whole file exactly `size` bytes (the size field's own length depends on it).
  const label = nameBytes('pad');
  for (let sizeBytes = 1; sizeBytes <= 5; sizeBytes++) {
    const payload = options.size - head.length - 1 - sizeBytes - label.length;
    if (payload < 0) break;
    const field = leb128(label.length + payload);
    if (field.length !== sizeBytes) continue;
    const out = new Uint8Array(options.size);
    out.set(head, 0);
    out.set([0x00, ...field, ...label], head.length);
    return out;
  }
  throw new RangeError(
    `a component of these exports is ${head.length} bytes, or at least ${head.length + 6} with padding; ${options.size} asked`,
  );
}
