// Talk to a running process: wait until it says it is ready, signal it, send it a file and
// receive one back. The engine never acknowledges signals or files and drops a file unless
// the inferlet is waiting for one, so the inferlet announces readiness with a message.
import { filter, firstValueFrom, lastValueFrom, switchMap, take, tap } from 'rxjs';
import { PieClient, hashBlob } from '../../src/pie.js';

/**
 * Runs `files@1.0.0` (it sends `ready`, waits for a signal and a file, answers with the
 * file reversed) and returns what came back.
 *
 * @example
 * ```ts
 * const { reversed, sentHash } = await main('ws://127.0.0.1:8080');
 * ```
 */
export async function main(url: string): Promise<{ reversed: Uint8Array; sentHash: string; result: string }> {
  const client = await PieClient.connect(url, { username: 'docs' });
  try {
    const payload = new TextEncoder().encode('hello, inferlet');
    const process = await firstValueFrom(client.launch('files@1.0.0', {}));
    let reversed: Uint8Array = new Uint8Array(0);
    const result$ = process.events$.pipe(
      tap((event) => {
        if (event.kind === 'message' && event.text === 'ready') {
          process
            .signal('upload follows')
            .pipe(switchMap(() => process.transferFile(payload)))
            .subscribe();
        }
        if (event.kind === 'file') reversed = event.bytes;
      }),
      filter((event) => event.kind === 'return'),
      take(1),
    );
    const ret = await lastValueFrom(result$);
    return { reversed, sentHash: hashBlob(payload), result: ret.kind === 'return' ? ret.value : '' };
  } finally {
    client.close();
  }
}
