// The task list (ListTask in 0.6, ListTasks in 0.7: a server stream) is a read, so a list
// whose connection dies before its first message is sent again (retryingRead), like the
// unary reads. Without that retry every test here fails with the connection's error.
import { afterEach, describe, expect, it } from 'vitest';
import { FlameInternalError, FlameUnavailableError } from '../../../src/model/flame/errors.js';
import { compareTaskIds } from '../../../src/observables/flame/order.js';
import { all, errorOf, eventually, one, startEmulatorAndClient, type EmulatorAndClient } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

const listMethod = (version: string): string => (version === '0.6' ? 'listTask' : 'listTasks');

describe.each(FLAME_VERSIONS)('task list reads across dropped connections (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  afterEach(() => env.close());

  const sessionWithTasks = async (count: number): Promise<string> => {
    const session = await one(env.client.createSession('flmping'));
    for (let i = 0; i < count; i++) await one(session.createTask());
    return session.id;
  };
  const listCalls = (): number => env.emu.calls.filter((c) => c.method === listMethod(version)).length;

  it('sends the list again after UNAVAILABLE before any message, and delivers it once', async () => {
    env = await startEmulatorAndClient({ version });
    const sessionId = await sessionWithTasks(3);
    const before = listCalls();
    env.emu.failNext(2, { code: 14, message: 'connection reset', method: listMethod(version) });

    const tasks = await all(env.client.listTasks(sessionId));

    expect(tasks.map((t) => t.id).sort(compareTaskIds)).toEqual(['1', '2', '3']);
    expect(listCalls() - before).toBe(3); // two failed attempts, then the one that answered
  });

  it('sends the list again when the server dies the instant the request arrives', async () => {
    env = await startEmulatorAndClient({ version });
    const sessionId = await sessionWithTasks(2);
    const before = listCalls();
    // Hold the request on the server, kill the server under it (sockets reset, no status),
    // then listen again on the same port.
    env.emu.delayNext(1, 10_000, { method: listMethod(version) });
    const listed = all(env.client.listTasks(sessionId));
    await eventually(() => listCalls() > before);
    await env.emu.kill();
    await env.emu.start();

    const tasks = await listed;
    expect(tasks.map((t) => t.id).sort(compareTaskIds)).toEqual(['1', '2']);
    expect(listCalls() - before).toBe(2);
  });

  it('does not retry a status about the request, nor with waitForReady false', async () => {
    env = await startEmulatorAndClient({ version });
    const sessionId = await sessionWithTasks(1);
    const before = listCalls();
    env.emu.failNext(1, { code: 13, message: 'storage broke', method: listMethod(version) });
    expect(await errorOf(env.client.listTasks(sessionId))).toBeInstanceOf(FlameInternalError);
    env.emu.failNext(1, { code: 14, message: 'connection reset', method: listMethod(version) });
    expect(await errorOf(env.client.listTasks(sessionId, { waitForReady: false }))).toBeInstanceOf(FlameUnavailableError);
    expect(listCalls() - before).toBe(2);
  });
});
