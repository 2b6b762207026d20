import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameNotFoundError } from '../../../src/model/flame/errors.js';
import { EmulatorAndClient, errorOf, one, startEmulatorAndClient } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('FlameClient cluster calls (against the emulator) (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version, nodeName: 'node-a' });
  });
  afterAll(() => env.close());

  it('lists nodes and gets one by name; an unknown node is NOT_FOUND', async () => {
    const nodes = await one(env.client.listNodes());
    expect(nodes.map((n) => n.name)).toEqual(['node-a']);
    const node = await one(env.client.getNode('node-a'));
    expect(node).toMatchObject({ name: 'node-a', hostname: 'node-a' });
    expect(node.capacity.cpu).toBeGreaterThan(0);
    const missing = await errorOf(env.client.getNode('node-z'));
    expect(missing).toBeInstanceOf(FlameNotFoundError);
    expect((missing as FlameNotFoundError).serverMessage).toBe('node <node-z> not found');
  });

  it('lists executors, including the one bound to a session that runs a task', async () => {
    env.emu.handle('echo', (input) => input);
    const session = await one(env.client.createSession('echo'));
    await one(session.invoke(new Uint8Array([1])));
    const executors = await one(env.client.listExecutors());
    expect(executors.map((e) => e.id)).toEqual([...executors.map((e) => e.id)].sort());
    expect(executors.some((e) => e.sessionId === session.id)).toBe(true);
  });
});
