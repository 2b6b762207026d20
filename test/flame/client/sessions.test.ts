import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FlameAlreadyExistsError,
  FlameInternalError,
  FlameInvalidArgumentError,
  FlameNotFoundError,
  ResourceRequirementParseError,
  SessionOptionsError,
} from '../../../src/model/flame/errors.js';
import { FlameSession } from '../../../src/observables/flame/session-handle.js';
import { EmulatorAndClient, errorOf, eventually, gate, one, startEmulatorAndClient, utf8 } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('FlameClient sessions (against the emulator) (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version, clusterResreq: 'cpu=2,mem=2g' });
    env.emu.handle('echo', (input) => input);
  });
  afterAll(() => env.close());

  it('creates a session with defaults and a generated id, and returns a handle', async () => {
    const session = await one(env.client.createSession('echo'));
    expect(session).toBeInstanceOf(FlameSession);
    expect(session.id).toMatch(/^echo-[A-Za-z0-9]{6}$/);
    expect(session.application).toBe('echo');
    expect(session.info).toMatchObject({
      state: 'Open',
      minInstances: 0,
      batchSize: 1,
      priority: 0,
      pending: 0,
      resreq: { cpu: 2, memory: 2 * 1024 ** 3, gpu: 0 },
    });
    expect(session.info.maxInstances).toBeUndefined();
  });

  it('sends every session option', async () => {
    const session = await one(
      env.client.createSession({
        application: 'echo',
        id: 'opts-1',
        commonData: utf8('shared'),
        minInstances: 1,
        maxInstances: 4,
        priority: 7,
        resreq: 'cpu=1,mem=512m',
      }),
    );
    const read = await one(env.client.getSession('opts-1'));
    expect(session.id).toBe('opts-1');
    expect(read).toMatchObject({ minInstances: 1, maxInstances: 4, priority: 7, resreq: { cpu: 1, memory: 512 * 1024 ** 2, gpu: 0 } });
    expect(read.commonData).toEqual(utf8('shared'));
  });

  it('rejects bad options before any call', async () => {
    const before = env.emu.calls.length;
    expect(await errorOf(env.client.createSession({ application: ' ' }))).toBeInstanceOf(SessionOptionsError);
    expect(await errorOf(env.client.createSession({ application: 'echo', id: '../x' }))).toBeInstanceOf(SessionOptionsError);
    expect(await errorOf(env.client.createSession({ application: 'echo', resreq: 'cpu=lots' }))).toBeInstanceOf(
      ResourceRequirementParseError,
    );
    expect(await errorOf(env.client.openOrCreateSession('a-1', { application: 'echo', id: 'b-2' }))).toBeInstanceOf(
      SessionOptionsError,
    );
    expect(env.emu.calls.length).toBe(before);
  });

  it('maps server refusals to typed errors: NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, INTERNAL', async () => {
    const { client } = env;
    const unknownApp = await errorOf(client.createSession({ application: 'nope', id: 'x-1' }));
    expect(unknownApp).toBeInstanceOf(FlameNotFoundError);

    await one(client.createSession({ application: 'echo', id: 'taken' }));
    const taken = await errorOf(client.createSession({ application: 'echo', id: 'taken' }));
    expect(taken).toBeInstanceOf(FlameAlreadyExistsError);
    expect((taken as FlameAlreadyExistsError).serverMessage).toBe("Session 'taken' already exists");

    const missing = await errorOf(client.getSession('missing'));
    expect(missing).toBeInstanceOf(FlameNotFoundError);
    expect((missing as FlameNotFoundError).serverMessage).toBe('missing');
    expect(await errorOf(client.openSession('missing'))).toBeInstanceOf(FlameNotFoundError);
    expect(await errorOf(client.closeSession('missing'))).toBeInstanceOf(FlameNotFoundError);

    const open = await errorOf(client.deleteSession('taken'));
    expect(open).toBeInstanceOf(FlameInternalError);
    expect((open as FlameInternalError).serverMessage).toBe('Cannot delete open session');

    const mismatch = await errorOf(client.openOrCreateSession('taken', { application: 'echo', priority: 3 }));
    expect(mismatch).toBeInstanceOf(FlameInvalidArgumentError);
    expect((mismatch as FlameInvalidArgumentError).serverMessage).toBe(
      'session <taken> spec mismatch: priority differs (expected 0, got 3)',
    );
  });

  it('opens, gets-or-creates, lists, closes and deletes sessions', async () => {
    const { client } = env;
    const created = await one(client.openOrCreateSession('nightly', 'echo'));
    expect(created.info.state).toBe('Open');
    const again = await one(client.openOrCreateSession('nightly', { application: 'echo' }));
    expect(again.id).toBe('nightly');
    const opened = await one(client.openSession('nightly'));
    expect(opened.info.application).toBe('echo');

    const ids = (await one(client.listSessions())).map((s) => s.id);
    expect(ids).toContain('nightly');
    expect(ids).toEqual([...ids].sort());

    const closed = await one(opened.close());
    expect(closed.state).toBe('Closed');
    expect(closed.completionTime).toBeInstanceOf(Date);
    const reopen = await errorOf(client.openSession('nightly'));
    expect(reopen).toBeInstanceOf(FlameInvalidArgumentError);

    const deleted = await one(client.deleteSession('nightly'));
    expect(deleted.id).toBe('nightly');
    expect(await errorOf(client.getSession('nightly'))).toBeInstanceOf(FlameNotFoundError);
  });

  it('refuses to close a session with a running task (INTERNAL), then closes it once the task ends', async () => {
    const { client, emu } = env;
    const hold = gate();
    emu.handle('slow', async () => {
      await hold.opened;
      return 'done';
    });
    const session = await one(client.createSession('slow'));
    const task = await one(session.createTask());
    await eventually(() => emu.taskState(session.id, task.id) === 'Running');
    const refused = await errorOf(session.close());
    expect(refused).toBeInstanceOf(FlameInternalError);
    expect((refused as FlameInternalError).serverMessage).toBe('Cannot close session with running tasks');
    hold.open();
    await eventually(() => emu.taskState(session.id, task.id) === 'Succeed');
    expect((await one(session.close())).state).toBe('Closed');
  });
});
