import { parse } from 'smol-toml';
import type { PieWireDialect } from '../../../transport/ws/generations.js';

/**
 * The engine's reply to a successful upload on 0.4 and 0.5 (spec 2.5).
 *
 * @example
 * ```ts
 * response.ok && response.result === PROGRAM_INSTALLED_RESULT; // the upload was accepted
 * ```
 */
export const PROGRAM_INSTALLED_RESULT = 'Program installed successfully';

/** A 0.6 gateway answers an upload with the id to launch (`name@version`). */
const INSTALLED_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*@[^\s@]+$/;

/** What a successful upload reply says, per generation. */
export interface InstalledReply {
  /** The program id the engine named (0.6), if it named one. */
  readonly programId?: string;
  /** The generation the reply shows, when it tells (`'0.6'` for an id). */
  readonly generation?: '0.6';
}

/**
 * Reads an `ok` upload reply for a dialect: `Program installed successfully` on 0.4 and
 * 0.5, the installed `name@version` on 0.6; a gateway not yet known as either accepts both
 * and learns 0.6 from an id. `undefined`: not a success reply of this generation.
 *
 * @example
 * ```ts
 * import { readInstalledReply } from 'flame-pie-rx/pie';
 * readInstalledReply('hello@0.1.0', 'gateway'); // => { programId: 'hello@0.1.0', generation: '0.6' }
 * readInstalledReply('Program installed successfully', '0.5'); // => {}
 * ```
 */
export function readInstalledReply(result: string, dialect: PieWireDialect | undefined): InstalledReply | undefined {
  if (result === PROGRAM_INSTALLED_RESULT && dialect !== '0.6') return {};
  if ((dialect === '0.6' || dialect === 'gateway') && INSTALLED_ID.test(result)) return { programId: result, generation: '0.6' };
  return undefined;
}

/**
 * `package.name@package.version` of a manifest, or `undefined` when it has none (or is not TOML).
 *
 * @example
 * ```ts
 * import { manifestProgramId } from 'flame-pie-rx/pie';
 * manifestProgramId('[package]\nname = "hello"\nversion = "0.1.0"'); // => 'hello@0.1.0'
 * ```
 */
export function manifestProgramId(manifest: string | undefined): string | undefined {
  if (manifest === undefined) return undefined;
  try {
    const pkg = (parse(manifest) as { package?: { name?: unknown; version?: unknown } }).package;
    return typeof pkg?.name === 'string' && typeof pkg.version === 'string' ? `${pkg.name}@${pkg.version}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The artifact's file name for a 0.6 upload: the one given, else the last part of the
 * program's path, else `program.wasm`.
 *
 * @example
 * ```ts
 * import { uploadFileName } from 'flame-pie-rx/pie';
 * uploadFileName(undefined, { path: './build/app.wasm' }); // => 'app.wasm'
 * ```
 */
export function uploadFileName(file: string | undefined, source: Uint8Array | string | { readonly path: string }): string {
  if (file !== undefined) return file;
  const path = typeof source === 'string' ? source : source instanceof Uint8Array ? undefined : source.path;
  const base = path?.split(/[/\\]/).pop();
  return base ? base : 'program.wasm';
}
