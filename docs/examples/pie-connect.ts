// Connect to a Pie engine, check it answers, read the model status, close.
// Run: main('ws://127.0.0.1:8080') against an engine with authentication disabled.
import { firstValueFrom } from 'rxjs';
// In an application: `from 'flame-pie-rx/pie'` and `from 'flame-pie-rx'`.
import { PieClient } from '../../src/pie.js';
import { describeConnectionState } from '../../src/index.js';

/**
 * Connects as `docs` (auth disabled; with auth enabled pass `{ username, key }` or
 * `{ token }`), pings and reads `model_status`.
 *
 * @example
 * ```ts
 * const { pingMs, models } = await main('ws://127.0.0.1:8080');
 * ```
 */
export async function main(url: string): Promise<{ pingMs: number; models: string[]; states: string[] }> {
  const client = await PieClient.connect(url, { username: 'docs' });
  const states: string[] = [];
  const watching = client.state$.subscribe((state) => states.push(describeConnectionState(state)));
  try {
    const pingMs = await firstValueFrom(client.ping());
    const status = await firstValueFrom(client.modelStatus());
    return { pingMs, models: Object.keys(status.models), states };
  } finally {
    watching.unsubscribe();
    client.close();
  }
}
