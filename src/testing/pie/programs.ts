// The engine's program store (protocol reference 2.4.3, 5.5, 5.6): uploaded programs keyed by
// their manifest's `package.name@package.version`, plus inferlet code registered by tests.
import type { InferletHandler } from './inferlet-context.js';
import { checkComponent, isRunExport } from './component-check.js';
import { invalidManifest, PIE_TEXT } from './strings.js';
import { readManifestPackage } from './toml-error.js';

/**
 * Program identifiers the engine accepts: `name@major.minor.patch` (Rust `\d` is Unicode-aware).
 *
 * @example
 * ```ts
 * PROGRAM_ID_PATTERN.test('echo@1.0.0'); // => true
 * ```
 */
export const PROGRAM_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*@\p{Nd}+\.\p{Nd}+\.\p{Nd}+$/u;

/**
 * True when `id` is a launchable program identifier.
 *
 * @example
 * ```ts
 * isValidProgramId('echo@1.0.0'); // => true
 * isValidProgramId('echo');       // => false
 * ```
 */
export function isValidProgramId(id: string): boolean {
  return PROGRAM_ID_PATTERN.test(id);
}

/**
 * Reads `package.name@package.version` from a manifest, or returns the engine's failure
 * text (`Invalid manifest: Failed to parse manifest TOML: <detail>`, the detail in the Rust
 * `toml` crate's multi-line format, see `toml-error.ts`). The name is not validated here:
 * the real engine was seen to go on to compile with a manifest whose name is invalid.
 *
 * @example
 * ```ts
 * manifestProgramId('[package]\nname = "echo"\nversion = "1.0.0"\n'); // => { id: 'echo@1.0.0' }
 * ```
 */
export function manifestProgramId(manifest: string): { id: string } | { error: string } {
  const pkg = readManifestPackage(manifest);
  if ('error' in pkg) return { error: invalidManifest(pkg.error) };
  return { id: `${pkg.name}@${pkg.version}` };
}

interface StoredProgram {
  manifest: string;
  bytes: Uint8Array;
  /** Why the bytes cannot run: the compile failure (not a component), or no `run` export. */
  compileError?: string;
  hasRun: boolean;
}

/**
 * Programs known to the emulated engine: uploaded ones and registered inferlet code. A
 * program "exists" (check_program `true`, launchable) when either is present.
 *
 * @example
 * ```ts
 * const store = new ProgramStore();
 * store.register('echo@1.0.0', (ctx) => ctx.input);
 * store.exists('echo@1.0.0'); // => true
 * ```
 */
export class ProgramStore {
  private readonly stored = new Map<string, StoredProgram>();
  private readonly handlers = new Map<string, InferletHandler>();

  /** Registers (or replaces) the code run for `id`. */
  register(id: string, handler: InferletHandler): void {
    this.handlers.set(id, handler);
  }

  /** Whether a program with this identifier is known. */
  exists(id: string): boolean {
    return this.stored.has(id) || this.handlers.has(id);
  }

  /** The registered code for `id`, if any. */
  handler(id: string): InferletHandler | undefined {
    return this.handlers.get(id);
  }

  /**
   * The answer a launch of `id` gets from its stored bytes: the compile failure of bytes
   * that are not a component (the launch is refused with it), else undefined.
   */
  compileError(id: string): string | undefined {
    return this.stored.get(id)?.compileError;
  }

  /**
   * Whether launching `id` finds the `run` interface: a registered program without upload
   * always does; uploaded bytes must export it.
   */
  hasRunInterface(id: string): boolean {
    const stored = this.stored.get(id);
    return stored ? stored.hasRun : this.handlers.has(id);
  }

  /**
   * The installed `name@version` of a bare `name` (the highest version), as gateway launches
   * resolve it.
   */
  resolveName(name: string): string | undefined {
    const versions = [...new Set([...this.stored.keys(), ...this.handlers.keys()])]
      .filter((id) => id.slice(0, id.lastIndexOf('@')) === name)
      .map((id) => id.slice(id.lastIndexOf('@') + 1));
    const semver = (v: string): number[] => v.split('.').map(Number);
    versions.sort((a, b) => {
      const [x, y] = [semver(a), semver(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
    return versions.length > 0 ? `${name}@${versions.at(-1)!}` : undefined;
  }

  /** Installs uploaded bytes under a given id (0.6 uploads name the program by file, not manifest). */
  installId(id: string, bytes: Uint8Array, forceOverwrite: boolean): void {
    if (this.exists(id) && !forceOverwrite) return;
    // Gateway uploads are not compiled by the emulator (only the 0.4 path models that).
    this.stored.set(id, { manifest: '', bytes, hasRun: true });
  }

  /** The uploaded bytes of `id`, if any. */
  uploadedBytes(id: string): Uint8Array | undefined {
    return this.stored.get(id)?.bytes;
  }

  /**
   * Installs an uploaded program. With `forceOverwrite=false` and an existing program of the
   * same identity the new bytes are silently discarded (the reply is still a success).
   * Bytes that are not a component are refused with the compile failure, yet stay
   * registered (check_program `true`, every launch refused with the same text), as the real
   * engine does. `compile: false` (gateway generations) stores the bytes unchecked.
   */
  install(
    manifest: string,
    bytes: Uint8Array,
    forceOverwrite: boolean,
    options: { compile?: boolean } = {},
  ): { ok: true } | { ok: false; error: string } {
    const identity = manifestProgramId(manifest);
    if ('error' in identity) return { ok: false, error: identity.error };
    if (this.exists(identity.id) && !forceOverwrite) return { ok: true };
    if (options.compile === false) {
      this.stored.set(identity.id, { manifest, bytes, hasRun: true });
      return { ok: true };
    }
    const component = checkComponent(bytes);
    if (!component.ok) {
      this.stored.set(identity.id, { manifest, bytes, compileError: PIE_TEXT.compileFailed, hasRun: false });
      return { ok: false, error: PIE_TEXT.compileFailed };
    }
    this.stored.set(identity.id, { manifest, bytes, hasRun: component.exports.some(isRunExport) });
    return { ok: true };
  }
}
