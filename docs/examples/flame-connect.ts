// Connect to a Flame cluster, watch the connection state, list what the cluster knows, close.
// Run: main('http://127.0.0.1:8080') against a session manager (or a FlameEmulator).
import { firstValueFrom } from 'rxjs';
// In an application: `from 'flame-pie-rx/flame'` and `from 'flame-pie-rx'`.
import { FlameClient } from '../../src/flame.js';
import { describeConnectionState } from '../../src/index.js';

/**
 * Connects to `endpoint` (an explicit endpoint wins over ~/.flame/flame.yaml and
 * FLAME_ENDPOINT), lists applications and nodes, and returns what it saw.
 *
 * @example
 * ```ts
 * const { applications, nodes } = await main('http://127.0.0.1:8080');
 * ```
 */
export async function main(endpoint: string): Promise<{ applications: string[]; nodes: string[]; states: string[] }> {
  const client = FlameClient.connect({ endpoint });
  const states: string[] = [];
  const stateLog = client.state$.subscribe((state) => states.push(describeConnectionState(state)));
  try {
    const applications = await firstValueFrom(client.listApplications());
    const nodes = await firstValueFrom(client.listNodes());
    return { applications: applications.map((a) => a.name), nodes: nodes.map((n) => n.name), states };
  } finally {
    stateLog.unsubscribe();
    client.close();
  }
}
