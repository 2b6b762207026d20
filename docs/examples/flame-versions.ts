// One client for Flame 0.6 and 0.7: the detected version, and the 0.7 features, each
// refused with a typed error on 0.6.
// Run: main('http://127.0.0.1:8080') against a cluster with an application `echo` whose
// service returns its input.
import { firstValueFrom } from 'rxjs';
import { FlameClient, FlameUnsupportedFeatureError, textCodec } from '../../src/flame.js';

/**
 * Detects the server's version and uses what it offers: on 0.7 a session with a token
 * and suspend/resume, a task with affinity, a filtered listing; on 0.6 the same calls
 * fail at once with `FlameUnsupportedFeatureError` (nothing is sent).
 *
 * @example
 * ```ts
 * const { version, refused } = await main('http://127.0.0.1:8080');
 * ```
 */
export async function main(endpoint: string): Promise<{
  version: string;
  states: string[];
  output: string;
  openEcho: number;
  refused: string[];
}> {
  const client = FlameClient.connect({ endpoint }); // or { endpoint, version: '0.7' } to skip the probe
  const version = await firstValueFrom(client.detectVersion());
  const session = await firstValueFrom(client.createSession('echo'));
  const states: string[] = [];
  const refused: string[] = [];
  const attempt = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof FlameUnsupportedFeatureError)) throw error;
      refused.push(error.message); // e.g. 'suspendSession needs Flame 0.7; the server speaks Flame 0.6'
      return undefined;
    }
  };
  try {
    // Suspend: running tasks finish, pending ones wait; resume schedules them again.
    const suspended = await attempt(() => firstValueFrom(session.suspend()));
    if (suspended) states.push(suspended.state); // 'Suspended' (or 'Suspending' while draining)
    const resumed = await attempt(() => firstValueFrom(session.resume()));
    if (resumed) states.push(resumed.state); // 'Open'
    // Affinity: a soft preference for executors that hold these keys.
    await attempt(() => firstValueFrom(session.createTask(textCodec.encode('near'), { affinity: ['block-7'] })));
    // Tokens: credentials for the session's services; never logged, never in errors.
    await attempt(() => firstValueFrom(client.createSession({ application: 'echo', tokens: { store: 'an-api-key' } })));
    // Server-side filters.
    const open = await attempt(() => firstValueFrom(client.listSessions({}, { application: 'echo', state: 'Open' })));
    // Everything else reads the same on both versions; watchTask shares one stream per session on 0.7.
    const output = textCodec.decode(await firstValueFrom(session.invoke(textCodec.encode('hello'))));
    return { version, states, output, openEcho: open?.length ?? -1, refused };
  } finally {
    for (const s of await firstValueFrom(client.listSessions())) {
      if (s.state !== 'Closed' && s.application === 'echo') await firstValueFrom(client.closeSession(s.id));
    }
    client.close();
  }
}
