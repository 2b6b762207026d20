// Test against PieEmulator in gateway mode (generation '0.5', the engine people install
// today): the upgrade needs `x-pie-identity`, the built-in compat-openai program answers
// OpenAI-shaped objects, a dropped connection ends its processes.
// Run: main() — it starts and closes its own emulator.
import { lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
// In an application: `from 'flame-pie-rx'`, `'flame-pie-rx/pie'` and `'flame-pie-rx/testing'`.
import { returnValue } from '../../src/index.js';
import { PieClient } from '../../src/pie.js';
import { PieEmulator } from '../../src/testing.js';

/** The part of an OpenAI completion object the example reads. */
interface Completion {
  object: string;
  usage: { completion_tokens: number };
}

/**
 * Launches compat-openai on a gateway-mode emulator and checks the upgrade refusal.
 *
 * @example
 * ```ts
 * const { completionTokens, refusal, generation } = await main(); // => 8, 401, '0.5'
 * ```
 */
export async function main(): Promise<{ completionTokens: number; refusal: number; object: string; generation: string }> {
  const emu = await PieEmulator.start({ generation: '0.5', tokenDelayMs: 0 });
  try {
    // Without the identity header the upgrade is refused, as the real gateway refuses it.
    const refusal = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${emu.url}/v1/ws`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    const client = await PieClient.connect(emu.url, undefined, { identity: 'default/docs', heartbeat: false });
    try {
      const completion = await lastValueFrom(
        client.launchProcess('compat-openai', { prompt: 'Hello', max_tokens: 8 }).pipe(returnValue<Completion>()),
      );
      return { completionTokens: completion.usage.completion_tokens, refusal, object: completion.object, generation: client.generation };
    } finally {
      client.close();
    }
  } finally {
    await emu.close();
  }
}
