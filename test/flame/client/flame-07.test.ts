import { afterEach, describe, expect, it } from 'vitest';
import { TaskAffinityError } from '../../../src/model/flame/affinity.js';
import * as grpc from '@grpc/grpc-js';
import { FlameInvalidArgumentError, FlameUnknownProtocolError, FlameUnsupportedFeatureError } from '../../../src/model/flame/errors.js';
import type { Task } from '../../../src/model/flame/types.js';
import { FlameClient } from '../../../src/observables/flame/client.js';
import { openTaskWatchStreams } from '../../../src/observables/flame/watch-tasks-hub.js';
import { FlameEmulator, type FlameTaskContext } from '../../../src/testing/flame/index.js';
import { EmulatorAndClient, all, errorOf, eventually, fastBackoff, gate, one, startEmulatorAndClient, utf8 } from './emulator-fixture.js';

describe('FlameClient on Flame 0.7 (against the emulator)', () => {
  let env: EmulatorAndClient | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('detects the version on first need and exposes it with its capabilities', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    expect(env.client.version).toBeUndefined();
    expect(await one(env.client.detectVersion())).toBe('0.7');
    expect(env.client.version).toBe('0.7');
    expect(env.client.capabilities?.suspendResume).toBe(true);
    // The probe was ListApplications with state = Disabled, and nothing else.
    expect(env.emu.calls.map((c) => c.method)).toEqual(['listApplications']);
    expect(env.emu.calls[0]!.request).toEqual({ state: 1 });
  });

  it('1,000 watches of one session share one WatchTasks stream, then it closes', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const { emu, client } = env;
    const hold = gate();
    emu.handle('held', async (input) => {
      await hold.opened;
      return input;
    }, { maxInstances: 4 });
    const session = await one(client.createSession('held'));
    const ids = (await Promise.all(Array.from({ length: 1000 }, () => one(session.createTask())))).map((t) => t.id);
    expect(ids).toHaveLength(1000);
    const finals = new Map<string, Task>();
    const subscriptions = ids.map((id) =>
      client.watchTask(session.id, id).subscribe({ next: (t) => finals.set(id, t) }),
    );
    await eventually(() => finals.size === 1000);
    expect(emu.openWatchTasksStreams).toBe(1);
    expect(emu.calls.filter((c) => c.method === 'watchTasks')).toHaveLength(1);
    expect(openTaskWatchStreams(client.channel)).toBe(1);
    hold.open();
    await eventually(() => [...finals.values()].every((t) => t.state === 'Succeed'), 10_000);
    for (const s of subscriptions) s.unsubscribe();
    // No watch left: the stream is half-closed and the server ends it.
    await eventually(() => emu.openWatchTasksStreams === 0);
    expect(emu.cancelledCalls.filter((c) => c.method === 'watchTasks')).toHaveLength(0);
  });

  it('a Failed task is reported once with its failure message from the stream itself (no GetTask)', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.handle('boom', () => {
      throw new Error('disk full');
    });
    const session = await one(env.client.createSession('boom'));
    const states = await all(env.client.runTask(session.id));
    expect(states.map((t) => t.state).filter((s) => s === 'Failed')).toHaveLength(1);
    expect(states.at(-1)!.events.at(-1)!.message).toBe('disk full');
    expect(env.emu.calls.filter((c) => c.method === 'getTask')).toHaveLength(0);
  });

  it('watching a task of a closed session falls back to GetTask (the stream answers NOT_FOUND)', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.registerApplication('unserved'); // no handler: its tasks stay Pending
    const session = await one(env.client.createSession('unserved'));
    const pending = await one(session.createTask());
    await one(session.close()); // cancels the pending task
    const states = await all(env.client.watchTask(session.id, pending.id));
    expect(states.map((t) => t.state)).toEqual(['Cancelled']);
  });

  it('an unknown task errors with NOT_FOUND without disturbing the other watches of the session', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.handle('echo', (input) => input);
    const session = await one(env.client.createSession('echo'));
    const good = one(env.client.invoke(session.id, utf8('hi')));
    const error = await errorOf(env.client.watchTask(session.id, '999'));
    expect((error as Error).name).toBe('FlameNotFoundError');
    expect(await good).toEqual(utf8('hi'));
  });

  it('suspends and resumes a session; its watch stays open and sees the task through', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const { emu, client } = env;
    const hold = gate();
    emu.handle('held', async () => {
      await hold.opened;
      return 'done';
    }, { maxInstances: 1 });
    const session = await one(client.createSession('held'));
    const first = await one(session.createTask());
    const second = await one(session.createTask());
    const seen: string[] = [];
    let completed = false;
    client.watchTask(session.id, second.id).subscribe({ next: (t) => seen.push(t.state), complete: () => (completed = true) });
    await eventually(() => emu.taskState(session.id, first.id) === 'Running');
    const suspending = await one(session.suspend());
    expect(suspending.state).toBe('Suspending');
    hold.open();
    await eventually(() => emu.sessionState(session.id) === 'Suspended');
    expect(emu.taskState(session.id, second.id)).toBe('Pending'); // kept, not run
    expect((await one(session.get())).state).toBe('Suspended');
    expect((await one(session.resume())).state).toBe('Open');
    await eventually(() => completed);
    expect(seen).toEqual(['Pending', 'Running', 'Succeed']);
    expect(emu.calls.filter((c) => c.method === 'watchTasks')).toHaveLength(1);
    expect((await one(session.resume())).state).toBe('Open'); // resuming an Open session is a no-op
  });

  it('sends session tokens and a gang batch size; the service sees them, replies never echo tokens', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const contexts: FlameTaskContext[] = [];
    env.emu.handle('svc', (_input, context) => {
      contexts.push(context);
      return 'ok';
    });
    const session = await one(env.client.createSession({ application: 'svc', tokens: { s3: 'AKIA-secret' }, batchSize: 2 }));
    expect(session.info.batchSize).toBe(2);
    expect(JSON.stringify(session.info)).not.toContain('AKIA-secret');
    await one(session.invoke());
    expect(contexts[0]).toMatchObject({ batchSize: 2, tokens: { s3: 'AKIA-secret' } });
  });

  it('sends task affinity (deduplicated, checked) and reads it back', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.handle('echo', (input) => input);
    const session = await one(env.client.createSession('echo'));
    const task = await one(session.createTask(undefined, { affinity: ['block-1', 'block-1', utf8('block-2')] }));
    expect(task.affinity).toEqual([utf8('block-1'), utf8('block-2')]);
    expect((await one(session.getTask(task.id))).affinity).toHaveLength(2);
    expect(await errorOf(session.createTask(undefined, { affinity: [''] }))).toBeInstanceOf(TaskAffinityError);
    expect(await errorOf(session.createTask(undefined, { affinity: ['x'.repeat(257)] }))).toBeInstanceOf(TaskAffinityError);
  });

  it('filters sessions and applications on the server', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.handle('a', () => 'a');
    env.emu.handle('b', () => 'b');
    const a1 = await one(env.client.createSession('a'));
    const a2 = await one(env.client.createSession('a'));
    const b1 = await one(env.client.createSession('b'));
    await one(a2.close());
    const ids = (sessions: { id: string }[]) => sessions.map((s) => s.id).sort();
    expect(ids(await one(env.client.listSessions({}, { application: 'a' })))).toEqual([a1.id, a2.id].sort());
    expect(ids(await one(env.client.listSessions({}, { application: 'a', state: 'Open' })))).toEqual([a1.id]);
    expect(ids(await one(env.client.listSessions({}, { ids: [b1.id, a2.id] })))).toEqual([b1.id, a2.id].sort());
    expect(ids(await one(env.client.listSessions({}, { state: 'Closed' })))).toEqual([a2.id]);
    expect(await one(env.client.listApplications({}, { state: 'Disabled' }))).toEqual([]);
    expect((await one(env.client.listApplications({}, { state: 'Enabled' }))).map((a) => a.name)).toContain('a');
  });

  it('a pinned version skips the probe', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const pinned = FlameClient.connect({ endpoint: env.emu.endpoint, env: {}, backoff: fastBackoff, version: '0.7' });
    try {
      expect(pinned.version).toBe('0.7');
      await one(pinned.listSessions());
      expect(env.emu.calls.map((c) => c.method)).toEqual(['listSessions']);
    } finally {
      pinned.close();
    }
  });

  it('a version pinned wrong surfaces UNIMPLEMENTED, while a detected one adapts', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const wrong = FlameClient.connect({ endpoint: env.emu.endpoint, env: {}, backoff: fastBackoff, version: '0.6' });
    try {
      const error = (await errorOf(wrong.listSessions())) as Error & { code: number };
      expect(error.code).toBe(12);
    } finally {
      wrong.close();
    }
    expect(await one(env.client.listSessions())).toEqual([]);
  });

  it('rejects an unknown state in a filter at the server (INVALID_ARGUMENT)', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    await one(env.client.detectVersion());
    const { unaryCall } = await import('../../../src/transport/grpc/unary.js');
    const error = await errorOf(unaryCall(env.client.channel, 'listSessions', { ids: [], state: 7 as never }));
    expect(error).toBeInstanceOf(FlameInvalidArgumentError);
  });
});

describe('0.7-only features on a Flame 0.6 server', () => {
  let env: EmulatorAndClient | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const expectUnsupported = (error: unknown, feature: string) => {
    expect(error).toBeInstanceOf(FlameUnsupportedFeatureError);
    const e = error as FlameUnsupportedFeatureError;
    expect(e.feature).toBe(feature);
    expect(e.version).toBe('0.6');
    expect(e.message).toBe(`${feature} needs Flame 0.7; the server speaks Flame 0.6`);
  };

  it('each fails at once with FlameUnsupportedFeatureError naming the feature and the version; nothing is sent', async () => {
    env = await startEmulatorAndClient({ version: '0.6' });
    const { emu, client } = env;
    emu.handle('echo', (input) => input);
    const session = await one(client.createSession('echo'));
    expect(await one(client.detectVersion())).toBe('0.6');
    const before = emu.calls.length;
    expectUnsupported(await errorOf(session.suspend()), 'suspendSession');
    expectUnsupported(await errorOf(session.resume()), 'resumeSession');
    expectUnsupported(await errorOf(client.createSession({ application: 'echo', tokens: { s3: 'AKIA-secret' } })), 'session tokens');
    expectUnsupported(
      await errorOf(client.openOrCreateSession('echo-x1', { application: 'echo', batchSize: 4 })),
      'session batchSize > 1 (gang scheduling)',
    );
    expectUnsupported(await errorOf(session.createTask(undefined, { affinity: ['k'] })), 'task affinity');
    expectUnsupported(await errorOf(client.listSessions({}, { state: 'Open' })), 'listSessions filter');
    expectUnsupported(await errorOf(client.listApplications({}, { state: 'Enabled' })), 'listApplications filter');
    expect(emu.calls.length).toBe(before);
  });

  it('never puts a token in an error message', async () => {
    env = await startEmulatorAndClient({ version: '0.6' });
    const error = await errorOf(env.client.createSession({ application: 'flmping', tokens: { s3: 'AKIA-secret' } }));
    expect(String(error)).not.toContain('AKIA-secret');
    expect(JSON.stringify(error)).not.toContain('AKIA-secret');
  });

  it('detects 0.6 with the probes of both versions and serves everything else as before', async () => {
    env = await startEmulatorAndClient({ version: '0.6' });
    expect(await one(env.client.detectVersion())).toBe('0.6');
    expect(env.emu.calls.map((c) => c.method)).toEqual(['listApplications', 'listApplication']);
    expect(env.client.capabilities?.sharedTaskWatch).toBe(false);
  });
});

describe('Flame 0.7 emulator scheduling and watch controls, seen from the client', () => {
  let env: EmulatorAndClient | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('binds a gang session only when batchSize executors fit, all together', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.handle('gang', () => 'ok', { maxInstances: 3 });
    const big = await one(env.client.createSession({ application: 'gang', batchSize: 4 }));
    await one(big.createTask());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.emu.taskState(big.id, '1')).toBe('Pending'); // 4 executors never fit under 3
    const pair = await one(env.client.createSession({ application: 'gang', batchSize: 2 }));
    expect(await one(pair.invoke(utf8('x')))).toEqual(utf8('ok'));
    const bound = (await one(env.client.listExecutors())).filter((e) => e.sessionId === pair.id);
    expect(bound).toHaveLength(2);
    expect(bound.every((e) => e.application === 'gang')).toBe(true);
  });

  it('re-sent and coalesced states never reach a subscriber twice', async () => {
    env = await startEmulatorAndClient({ version: '0.7', coalesceWatchStates: true });
    const hold = gate();
    env.emu.handle('held', async () => {
      await hold.opened;
      return 'done';
    });
    const session = await one(env.client.createSession('held'));
    const task = await one(session.createTask());
    const seen: string[] = [];
    let completed = false;
    env.client.watchTask(session.id, task.id).subscribe({ next: (t) => seen.push(t.state), complete: () => (completed = true) });
    await eventually(() => seen.length > 0 && env!.emu.taskState(session.id, task.id) === 'Running');
    env.emu.resendTaskWatches();
    env.emu.resendTaskWatches();
    hold.open();
    await eventually(() => completed);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe('Succeed');
  });
});

describe('the shared WatchTasks stream under faults (Flame 0.7)', () => {
  let env: EmulatorAndClient | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('after a break, every open watch registers again on ONE new stream and ends exactly once', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const { emu, client } = env;
    const hold = gate();
    emu.handle('held', async (input) => {
      await hold.opened;
      return input;
    }, { maxInstances: 8 });
    const session = await one(client.createSession('held'));
    const tasks = await Promise.all(Array.from({ length: 50 }, () => one(session.createTask())));
    const terminal = new Map<string, number>();
    let completed = 0;
    for (const task of tasks) {
      client.watchTask(session.id, task.id).subscribe({
        next: (t) => {
          if (t.state === 'Succeed') terminal.set(t.id, (terminal.get(t.id) ?? 0) + 1);
        },
        complete: () => completed++,
      });
    }
    await eventually(() => emu.openWatchTasksStreams === 1 && emu.calls.filter((c) => c.method === 'watchTasks').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the 50 registrations arrive
    emu.breakStreams();
    await eventually(() => emu.calls.filter((c) => c.method === 'watchTasks').length === 2 && emu.openWatchTasksStreams === 1);
    hold.open();
    await eventually(() => completed === 50, 10_000);
    expect([...terminal.values()].every((n) => n === 1)).toBe(true);
    expect(terminal.size).toBe(50);
    expect(emu.calls.filter((c) => c.method === 'watchTasks')).toHaveLength(2);
  });

  it('unsubscribing 300 watches of Pending tasks at once cancels the one shared stream once', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const { emu, client } = env;
    emu.registerApplication('unserved');
    const session = await one(client.createSession('unserved'));
    const tasks = await Promise.all(Array.from({ length: 300 }, () => one(session.createTask())));
    let first = 0;
    const subscriptions = tasks.map((task) => client.watchTask(session.id, task.id).subscribe(() => first++));
    await eventually(() => first === 300);
    for (const s of subscriptions) s.unsubscribe();
    await eventually(() => emu.cancelledCalls.some((c) => c.method === 'watchTasks'));
    expect(emu.cancelledCalls.filter((c) => c.method === 'watchTasks')).toHaveLength(1);
    expect(emu.openWatchTasksStreams).toBe(0);
    expect(openTaskWatchStreams(client.channel)).toBe(0);
  });
});

describe('version detection', () => {
  it('probes again when the server comes back speaking the other version', async () => {
    const old = await FlameEmulator.start({ version: '0.7', timestampResolution: 'millisecond' });
    const port = old.port;
    const client = FlameClient.connect({ endpoint: old.endpoint, env: {}, backoff: fastBackoff });
    let next: FlameEmulator | undefined;
    try {
      expect(await one(client.detectVersion())).toBe('0.7');
      await old.close();
      next = await FlameEmulator.start({ version: '0.6', port, timestampResolution: 'millisecond' });
      expect((await one(client.listSessions())).length).toBe(0);
      expect(client.version).toBe('0.6');
      expect(next.calls.map((c) => c.method)).toContain('listSession');
    } finally {
      client.close();
      await next?.close();
    }
  });

  it('a server that serves neither version gives FlameUnknownProtocolError', async () => {
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const client = FlameClient.connect({ endpoint: `http://127.0.0.1:${port}`, env: {}, backoff: fastBackoff });
    try {
      const error = await errorOf(client.listSessions());
      expect(error).toBeInstanceOf(FlameUnknownProtocolError);
      expect(client.version).toBeUndefined();
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  it('a connection failure during the probe is reported as it is and nothing is cached', async () => {
    const client = FlameClient.connect({ endpoint: 'http://127.0.0.1:1', env: {}, backoff: fastBackoff });
    try {
      const error = (await errorOf(client.detectVersion({ waitForReady: false }))) as Error & { code: number };
      expect(error.code).toBe(14);
      expect(client.version).toBeUndefined();
    } finally {
      client.close();
    }
  });
});
