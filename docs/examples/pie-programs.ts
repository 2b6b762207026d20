// Upload a program when the engine does not have it yet, with progress, then run it.
import { firstValueFrom, lastValueFrom, tap } from 'rxjs';
import { PieClient } from '../../src/pie.js';
import { returnValue } from '../../src/index.js';

/**
 * Checks for `hello@0.1.0`, uploads it if missing (the bytes of a built WebAssembly
 * component here; a path to the `.wasm` file and `{ path }` of the manifest work too, in
 * Node), printing progress, and launches it.
 *
 * @example
 * ```ts
 * await main('ws://127.0.0.1:8080', wasmBytes);
 * ```
 */
export async function main(
  url: string,
  wasm: Uint8Array,
): Promise<{ existedBefore: boolean; progress: string[]; greeting: unknown }> {
  const client = await PieClient.connect(url, { username: 'docs' });
  try {
    const manifest = '[package]\nname = "hello"\nversion = "0.1.0"\n';
    const existedBefore = await firstValueFrom(client.checkProgram('hello@0.1.0', { wasm, manifest }));
    const progress: string[] = [];
    if (!existedBefore) {
      // forceOverwrite: without it the engine silently keeps an older copy (spec 5.6).
      const upload$ = client.addProgram({ wasm, manifest, forceOverwrite: true }).pipe(
        tap((p) => progress.push(`${p.sentChunks}/${p.totalChunks} chunks, ${p.sentBytes}/${p.totalBytes} bytes`)),
      );
      await lastValueFrom(upload$); // completes once the engine answers "Program installed successfully"
    }
    const greeting = await lastValueFrom(client.launchProcess('hello@0.1.0', { name: 'docs' }).pipe(returnValue()));
    return { existedBefore, progress, greeting };
  } finally {
    client.close();
  }
}
