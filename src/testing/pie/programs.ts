// The engine's program store (protocol reference 2.4.3, 5.5, 5.6): uploaded programs keyed by
// their manifest's `package.name@package.version`, plus inferlet code registered by tests.
import { parse as parseToml } from 'smol-toml';
import type { InferletHandler } from './inferlet-context.js';
import { invalidManifest } from './strings.js';

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
 * text (`Invalid manifest: Failed to parse manifest TOML: <detail>`). The detail wording is
 * not pinned by the protocol reference: TOML syntax errors carry the TOML parser's message,
 * missing or mistyped keys read like serde's (`missing field `name``).
 *
 * @example
 * ```ts
 * manifestProgramId('[package]\nname = "echo"\nversion = "1.0.0"\n'); // => { id: 'echo@1.0.0' }
 * ```
 */
export function manifestProgramId(manifest: string): { id: string } | { error: string } {
  let document: Record<string, unknown>;
  try {
    document = parseToml(manifest) as Record<string, unknown>;
  } catch (error) {
    return { error: invalidManifest(String((error as Error).message).split('\n')[0] ?? 'parse error') };
  }
  const pkg = document['package'];
  if (pkg === undefined) return { error: invalidManifest('missing field `package`') };
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) {
    return { error: invalidManifest('invalid type for `package`, expected a table') };
  }
  const table = pkg as Record<string, unknown>;
  for (const key of ['name', 'version'] as const) {
    if (table[key] === undefined) return { error: invalidManifest(`missing field \`${key}\``) };
    if (typeof table[key] !== 'string') return { error: invalidManifest(`invalid type for \`${key}\`, expected a string`) };
  }
  return { id: `${table['name'] as string}@${table['version'] as string}` };
}

interface StoredProgram {
  manifest: string;
  bytes: Uint8Array;
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
    this.stored.set(id, { manifest: '', bytes });
  }

  /** The uploaded bytes of `id`, if any. */
  uploadedBytes(id: string): Uint8Array | undefined {
    return this.stored.get(id)?.bytes;
  }

  /**
   * Installs an uploaded program. With `forceOverwrite=false` and an existing program of the
   * same identity the new bytes are silently discarded (the reply is still a success).
   */
  install(manifest: string, bytes: Uint8Array, forceOverwrite: boolean): { ok: true } | { ok: false; error: string } {
    const identity = manifestProgramId(manifest);
    if ('error' in identity) return { ok: false, error: identity.error };
    if (this.exists(identity.id) && !forceOverwrite) return { ok: true };
    this.stored.set(identity.id, { manifest, bytes });
    return { ok: true };
  }
}
