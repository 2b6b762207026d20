// Connect to the engine people install today (pie-server 0.5.x, a gateway): the URL without
// a path gets /v1/ws, the identity goes in the x-pie-identity header, there is no
// authentication step. Then run a completion with the built-in compat-openai program.
// Run: main('ws://127.0.0.1:8080') against `pie serve` or serve.py.
import { firstValueFrom, lastValueFrom } from 'rxjs';
// In an application: `from 'flame-pie-rx/pie'` and `from 'flame-pie-rx'`.
import { PieClient, PieUnsupportedError } from '../../src/pie.js';
import { returnValue } from '../../src/index.js';

/**
 * Connects as `default/docs`, reports what was found, runs one short completion and shows
 * that a 0.4-only operation fails at once.
 *
 * @example
 * ```ts
 * const { generation, text } = await main('ws://127.0.0.1:8080');
 * ```
 */
export async function main(url: string, program = 'compat-openai'): Promise<{
  generation: string;
  capabilities: readonly string[];
  text: string | undefined;
  unsupported: string;
}> {
  const client = await PieClient.connect(url, undefined, { identity: 'default/docs' });
  try {
    const completion = await lastValueFrom(
      client
        .launchProcess(program, { prompt: 'Hello', max_tokens: 4, temperature: 0 })
        .pipe(returnValue<{ choices: { text: string }[] }>()),
    );
    const unsupported = await firstValueFrom(client.runProcesses(program, [{}])).then(
      () => 'supported',
      (error: unknown) => (error instanceof PieUnsupportedError ? error.message : String(error)),
    );
    return { generation: client.generation, capabilities: client.capabilities, text: completion.choices[0]?.text, unsupported };
  } finally {
    client.close();
  }
}
