// Drive a UI from a process's events: the growing stdout text for a live view, the parsed
// return value at the end. `stdoutText`, `returnValue` and `ofKind` come from 'flame-pie-rx'.
import { lastValueFrom, share } from 'rxjs';
import { PieClient } from '../../src/pie.js';
import { ofKind, returnValue, stdoutText } from '../../src/index.js';

/**
 * Launches `chat@1.0.0` with a prompt, renders the text as it grows, and returns the
 * inferlet's JSON result together with every frame the "UI" drew.
 *
 * @example
 * ```ts
 * const { frames, result } = await main('ws://127.0.0.1:8080');
 * ```
 */
export async function main(url: string): Promise<{ frames: string[]; stderr: string[]; result: { text: string; tokens: number } }> {
  const client = await PieClient.connect(url, { username: 'docs' });
  try {
    // One launch, several views: share() so the process is launched once.
    const events$ = client.launchProcess('chat@1.0.0', { prompt: 'Say hello' }).pipe(share());
    const frames: string[] = [];
    const stderr: string[] = [];
    events$.pipe(stdoutText()).subscribe((text) => frames.push(text)); // e.g. render(text)
    events$.pipe(ofKind('stderr')).subscribe((event) => stderr.push(event.text));
    const result = await lastValueFrom(events$.pipe(returnValue<{ text: string; tokens: number }>()));
    return { frames, stderr, result };
  } finally {
    client.close();
  }
}
