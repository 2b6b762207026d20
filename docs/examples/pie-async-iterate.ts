// Consume a process's events with `for await`, with bounded memory: while the queue holds
// `highWaterMark` unread events the client stops reading the socket (the engine keeps the
// rest), and reads on once the loop caught up.
import { PieClient } from '../../src/pie.js';

/**
 * Iterates the events of `chat@1.0.0` with a small queue and returns the stdout pieces.
 *
 * @example
 * ```ts
 * const pieces = await main('ws://127.0.0.1:8080');
 * ```
 */
export async function main(url: string): Promise<{ pieces: string[]; result: string; maxQueued: number }> {
  const client = await PieClient.connect(url, { username: 'docs' });
  try {
    const events = client.toAsyncIterable(client.launchProcess('chat@1.0.0', { prompt: 'count' }), { highWaterMark: 4 });
    const pieces: string[] = [];
    let result = '';
    for await (const event of events) {
      if (event.kind === 'stdout') pieces.push(event.text);
      if (event.kind === 'return') result = event.value;
      await new Promise((resolve) => setTimeout(resolve, 1)); // a slow consumer
    }
    return { pieces, result, maxQueued: events.maxQueued };
  } finally {
    client.close();
  }
}
