// runAll keeps the server's queue full: a task submission holds its slot only until its
// CreateTask is answered, then its task is followed while the next ones are created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { range } from 'rxjs';
import { runAll } from '../../../src/observables/operators/flame/run-all.js';
import { EmulatorAndClient, eventually, gate, one, startEmulatorAndClient } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('runAll as a pipeline against the emulator (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  const held = gate();
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version });
    env.emu.handle('held', async () => {
      await held.opened;
      return 'done';
    }, { maxInstances: 2 });
  });
  afterAll(() => env.close());

  it('creates every task while none has finished (concurrency 2), then delivers all in order', async () => {
    const session = await one(env.client.createSession({ application: 'held' }));
    const created = () => env.emu.calls.filter((c) => c.method === 'createTask').length;
    const before = created();
    const outputs: string[] = [];
    let completed = false;
    const subscription = range(0, 20)
      .pipe(runAll((n) => session.invoke(new TextEncoder().encode(String(n))), { concurrency: 2 }))
      .subscribe({ next: (o) => outputs.push(new TextDecoder().decode(o)), complete: () => (completed = true) });
    // The old coupled pool would stop at 2 creates until a task ended; the gate holds them all.
    await eventually(() => created() - before === 20);
    expect(outputs).toEqual([]);
    held.open();
    await eventually(() => completed);
    expect(outputs).toEqual(Array.from({ length: 20 }, () => 'done'));
    subscription.unsubscribe();
  });
});
