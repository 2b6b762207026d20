import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, take } from 'rxjs';
import { jsonCodec, textCodec } from '../../../src/model/flame/codec.js';
import {
  CodecError,
  FlameDeadlineExceededError,
  FlameInternalError,
  FlameInvalidArgumentError,
  FlameNotFoundError,
  TaskFailedError,
} from '../../../src/model/flame/errors.js';
import { compareTaskIds } from '../../../src/observables/flame/order.js';
import { watchTask } from '../../../src/observables/flame/watch-task.js';
import { taskOutput } from '../../../src/observables/operators/flame/task-output.js';
import {
  EmulatorAndClient,
  all,
  errorOf,
  eventually,
  fromUtf8,
  gate,
  one,
  startEmulatorAndClient,
  utf8,
} from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('FlameClient tasks (against the emulator) (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version });
    env.emu.handle('upper', (input) => fromUtf8(input).toUpperCase());
    env.emu.handle('sum', (input) => {
      const numbers = JSON.parse(fromUtf8(input)) as number[];
      if (numbers.length === 0) throw new Error('nothing to add');
      return JSON.stringify(numbers.reduce((a, b) => a + b, 0));
    });
  });
  afterAll(() => env.close());

  it('creates, gets (with events) and lists tasks', async () => {
    const session = await one(env.client.createSession('upper'));
    const first = await one(env.client.createTask(session.id, utf8('a')));
    expect(first).toMatchObject({ id: '1', sessionId: session.id, state: 'Pending', events: [] });
    expect(first.input).toEqual(utf8('a'));
    await one(session.createTask(utf8('b')));
    await one(session.createTask());

    const done = await one(env.client.watchTask(session.id, '1').pipe(taskOutput(textCodec)));
    expect(done).toBe('A');
    const fetched = await one(env.client.getTask(session.id, '1'));
    expect(fetched.state).toBe('Succeed');
    expect(fetched.events.map((e) => e.code)).toEqual([0, 1, 2]);

    const listed = await all(env.client.listTasks(session.id));
    expect(listed.map((t) => t.id).sort(compareTaskIds)).toEqual(['1', '2', '3']);
  });

  it('watchTask emits each new state once and the terminal state last, then completes', async () => {
    const hold = gate();
    env.emu.handle('gated', async () => {
      await hold.opened;
      return 'ok';
    });
    const session = await one(env.client.createSession('gated'));
    const task = await one(session.createTask());
    const states: string[] = [];
    const finished = new Promise<void>((resolve, reject) =>
      watchTask(env.client, session.id, task.id).subscribe({
        next: (t) => states.push(t.state),
        error: reject,
        complete: resolve,
      }),
    );
    await eventually(() => states.includes('Running'));
    hold.open();
    await finished;
    expect(states.at(-1)).toBe('Succeed');
    expect(new Set(states).size).toBe(states.length);
    expect(states.filter((s) => s !== 'Pending')).toEqual(['Running', 'Succeed']);
  });

  it('runTask emits the created task, then its states up to the terminal one', async () => {
    const session = await one(env.client.createSession('upper'));
    const tasks = await all(env.client.runTask(session.id, utf8('xyz')));
    expect(tasks[0]).toMatchObject({ state: 'Pending', id: '1' });
    expect(tasks.at(-1)).toMatchObject({ state: 'Succeed', id: '1' });
    expect(fromUtf8(tasks.at(-1)!.output)).toBe('XYZ');
  });

  it('run reports success with the decoded output, and failure with its message', async () => {
    const session = await one(env.client.createSession('sum'));
    const codecs = { input: jsonCodec<number[]>(), output: jsonCodec<number>() };
    const ok = await one(session.run([1, 2, 3], codecs));
    expect(ok).toEqual({ taskId: '1', sessionId: session.id, state: 'Succeed', output: 6 });
    const failed = await one(env.client.run(session.id, [], codecs));
    expect(failed).toEqual({ taskId: '2', sessionId: session.id, state: 'Failed', failureMessage: 'nothing to add' });
  });

  it('invoke emits the decoded output, or errors with TaskFailedError naming task, session, state and message', async () => {
    const session = await one(env.client.createSession('sum'));
    const codecs = { input: jsonCodec<number[]>(), output: jsonCodec<number>() };
    expect(await one(session.invoke([40, 2], codecs))).toBe(42);
    const error = await errorOf(env.client.invoke(session.id, [], codecs));
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ taskId: '2', sessionId: session.id, state: 'Failed', failureMessage: 'nothing to add' });
    expect((error as Error).message).toBe(`task 2 of session ${session.id} ended Failed: nothing to add`);
  });

  it('invoke without codecs takes and returns bytes; a non-byte input is a CodecError', async () => {
    const session = await one(env.client.createSession('upper'));
    expect(await one(session.invoke(utf8('raw')))).toEqual(utf8('RAW'));
    const bad = await errorOf(session.invoke('text' as unknown as Uint8Array));
    expect(bad).toBeInstanceOf(CodecError);
  });

  it('a task cancelled by CloseSession ends the watch with Cancelled; invoke errors with state Cancelled', async () => {
    env.emu.registerApplication('no-executor'); // no handler: its tasks stay Pending
    const session = await one(env.client.createSession('no-executor'));
    const outcome = errorOf(session.invoke(utf8('queued')));
    await eventually(() => env.emu.taskState(session.id, '1') === 'Pending');
    await one(session.close());
    const error = await outcome;
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ taskId: '1', sessionId: session.id, state: 'Cancelled' });
  });

  it('maps task call refusals to typed errors', async () => {
    const { client, emu } = env;
    const session = await one(client.createSession('upper'));
    expect(await errorOf(client.getTask(session.id, 'abc'))).toBeInstanceOf(FlameInvalidArgumentError);
    expect(await errorOf(client.getTask(session.id, '99'))).toBeInstanceOf(FlameNotFoundError);
    expect(await errorOf(client.createTask('no-such-session'))).toBeInstanceOf(FlameNotFoundError);
    expect(await errorOf(client.listTasks('no-such-session'))).toBeInstanceOf(FlameNotFoundError);
    // WatchTask on unknown ids ends empty; the watch asks GetTask and reports NOT_FOUND.
    const unknown = await errorOf(client.watchTask(session.id, '77'));
    expect(unknown).toBeInstanceOf(FlameNotFoundError);
    expect(await errorOf(client.watchTask(session.id, 'x'))).toBeInstanceOf(FlameInvalidArgumentError);

    emu.failNext(1, { code: 13, message: 'storage exploded', method: 'createTask' });
    const internal = await errorOf(session.createTask());
    expect(internal).toBeInstanceOf(FlameInternalError);
    expect((internal as FlameInternalError).serverMessage).toBe('storage exploded');

    emu.delayNext(1, 300, { method: 'getSession' });
    expect(await errorOf(client.getSession(session.id, { deadlineMs: 50 }))).toBeInstanceOf(FlameDeadlineExceededError);

    await one(session.close());
    expect(await errorOf(session.createTask())).toBeInstanceOf(FlameInvalidArgumentError);
  });

  it('the free watchTask and the method agree', async () => {
    const session = await one(env.client.createSession('upper'));
    const task = await one(session.createTask(utf8('q')));
    const viaMethod = await firstValueFrom(env.client.watchTask(session.id, task.id).pipe(taskOutput(textCodec), take(1)));
    const viaFunction = await firstValueFrom(watchTask(env.client, session.id, task.id).pipe(taskOutput(textCodec)));
    expect([viaMethod, viaFunction]).toEqual(['Q', 'Q']);
  });
});
