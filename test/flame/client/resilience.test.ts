import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/model/flame/types.js';
import { EmulatorAndClient, eventually, gate, one, startEmulatorAndClient, utf8 } from './emulator-fixture.js';
import { FLAME_VERSIONS, watchMethod } from './versions.js';

describe.each(FLAME_VERSIONS)('FlameClient under faults (against the emulator) (Flame %s)', (version) => {
  let env: EmulatorAndClient | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('a watch survives a server restart and delivers the terminal state exactly once', async () => {
    env = await startEmulatorAndClient({ version });
    const { emu, client } = env;
    const hold = gate();
    emu.handle('gated', async (input) => {
      await hold.opened;
      return input;
    });
    const session = await one(client.createSession('gated'));
    const created = await one(session.createTask(utf8('payload')));
    const seen: Task[] = [];
    let completed = false;
    const subscription = client.watchTask(session.id, created.id).subscribe({
      next: (task) => seen.push(task),
      complete: () => (completed = true),
    });
    await eventually(() => seen.some((t) => t.state === 'Running'));
    await emu.restart(); // breaks the stream with UNAVAILABLE; the task goes back to Pending
    await eventually(() => emu.calls.filter((c) => c.method === watchMethod(version)).length >= 2);
    hold.open();
    await eventually(() => completed);
    subscription.unsubscribe();

    const states = seen.map((t) => t.state);
    expect(states.filter((s) => s === 'Succeed')).toHaveLength(1);
    expect(states.at(-1)).toBe('Succeed');
    expect(new Set(states).size).toBe(states.length); // no state twice, no Running → Pending
    expect(seen.at(-1)!.output).toEqual(utf8('payload'));
  });

  it('a watch survives broken streams while the server stays up', async () => {
    env = await startEmulatorAndClient({ version });
    const { emu, client } = env;
    const hold = gate();
    emu.handle('gated', async () => {
      await hold.opened;
      return 'ok';
    });
    const session = await one(client.createSession('gated'));
    const created = await one(session.createTask());
    const done = one(client.invoke(session.id, undefined));
    await eventually(() => emu.openStreams > 0);
    emu.breakStreams();
    await eventually(() => emu.calls.filter((c) => c.method === watchMethod(version)).length >= 2 && emu.openStreams > 0);
    hold.open();
    expect(await done).toEqual(utf8('ok'));
    expect(created.id).toBe('1');
  });

  it('unsubscribing a watch cancels the stream on the wire; the task keeps running on the server', async () => {
    env = await startEmulatorAndClient({ version });
    const { emu, client } = env;
    const hold = gate();
    emu.handle('gated', async () => {
      await hold.opened;
      return 'finished anyway';
    });
    const session = await one(client.createSession('gated'));
    const states: string[] = [];
    const subscription = client.runTask(session.id, utf8('x')).subscribe((t) => states.push(t.state));
    await eventually(() => emu.openStreams === 1 && emu.taskState(session.id, '1') === 'Running');
    subscription.unsubscribe();
    await eventually(() => emu.cancelledCalls.some((c) => c.method === watchMethod(version)));
    expect(emu.openStreams).toBe(0);

    hold.open();
    await eventually(() => emu.taskState(session.id, '1') === 'Succeed');
    const task = await one(client.getTask(session.id, '1'));
    expect(task.output).toEqual(utf8('finished anyway'));
    expect(states).not.toContain('Succeed');
  });

  it('calls made while the server is down wait and succeed once it is back', async () => {
    env = await startEmulatorAndClient({ version });
    const { emu, client } = env;
    await one(client.listApplications()); // connected once
    await emu.stop();
    const kinds: string[] = [];
    const stateSubscription = client.state$.subscribe((s) => kinds.push(s.kind));
    const waiting = one(client.listApplications());
    let settled = false;
    void waiting.finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    await emu.start();
    const apps = await waiting;
    stateSubscription.unsubscribe();
    expect(apps.map((a) => a.name)).toContain('flmping');
    expect(kinds).toContain('ready');
    expect(kinds.some((k) => k === 'reconnecting' || k === 'connecting')).toBe(true);
  });
});
