import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/model/flame/types.js';
import { FlameNotFoundError } from '../../../src/model/flame/errors.js';
import { EmulatorAndClient, errorOf, eventually, gate, one, startEmulatorAndClient } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('sessionStatus against the emulator (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version });
  });
  afterAll(() => env.close());

  it('emits each change of the counters, and completes once the session is closed', async () => {
    const hold = gate();
    env.emu.handle('gated', async () => {
      await hold.opened;
      return 'ok';
    }, { maxInstances: 1 });
    const session = await one(env.client.createSession('gated'));
    const seen: Session[] = [];
    let completed = false;
    env.client.sessionStatus(session.id, { intervalMs: 20 }).subscribe({
      next: (s) => seen.push(s),
      complete: () => (completed = true),
    });
    await eventually(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ state: 'Open', pending: 0, running: 0, succeed: 0 });

    await one(session.createTask());
    await one(session.createTask());
    await eventually(() => seen.some((s) => s.running === 1 && s.pending === 1));
    hold.open();
    await eventually(() => seen.some((s) => s.succeed === 2));
    await one(session.close());
    await eventually(() => completed);

    expect(seen.at(-1)).toMatchObject({ state: 'Closed', succeed: 2 });
    for (let i = 1; i < seen.length; i += 1) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      const same = a.state === b.state && a.pending === b.pending && a.running === b.running && a.succeed === b.succeed;
      expect(same).toBe(false);
    }
  });

  it('errors with FlameNotFoundError for an unknown session', async () => {
    expect(await errorOf(env.client.sessionStatus('no-such', { intervalMs: 20 }))).toBeInstanceOf(FlameNotFoundError);
  });
});
