import { PieFileError } from '../../../model/pie/errors.js';
import { needsNode, pieNodeServices } from '../../../model/pie/platform.js';

/**
 * Reads a local file's bytes (Node only: the Node entry installs the reader, so browser
 * bundles never pull `node:fs` in). A missing or unreadable file gives `PieFileError`.
 *
 * @example
 * ```ts
 * const wasm = await readLocalFile('./build/app.wasm');
 * ```
 */
export async function readLocalFile(path: string): Promise<Uint8Array> {
  try {
    const services = pieNodeServices();
    if (!services) throw new PieFileError(needsNode(`reading ${path}`));
    return await services.readFile(path);
  } catch (error) {
    if (error instanceof PieFileError) throw error;
    const code = (error as { code?: string }).code;
    throw new PieFileError(`cannot read ${path}${code ? ` (${code})` : ''}`, { cause: error });
  }
}

/**
 * Bytes given directly, or read from a path.
 *
 * @example
 * ```ts
 * await bytesFrom(new Uint8Array([1])); // => Uint8Array [1]
 * ```
 */
export async function bytesFrom(source: Uint8Array | string | { readonly path: string }): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  return readLocalFile(typeof source === 'string' ? source : source.path);
}

/**
 * Text given directly, or read (UTF-8) from `{ path }`.
 *
 * @example
 * ```ts
 * await textFrom('[package]\nname = "x"'); // the text itself
 * ```
 */
export async function textFrom(source: string | { readonly path: string }): Promise<string> {
  if (typeof source === 'string') return source;
  return new TextDecoder().decode(await readLocalFile(source.path));
}
