import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { from, range } from 'rxjs';
import { jsonCodec, textCodec } from '../../../src/model/flame/codec.js';
import { TaskFailedError } from '../../../src/model/flame/errors.js';
import { backoffPolicy } from '../../../src/transport/backoff.js';
import { runAll } from '../../../src/observables/operators/flame/run-all.js';
import { retryFailedTasks } from '../../../src/observables/operators/flame/resubmit-failed-tasks.js';
import { EmulatorAndClient, all, errorOf, fromUtf8, one, startEmulatorAndClient } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('pipelines against the emulator (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version });
    env.emu.handle('square', (input) => String(Number(fromUtf8(input)) ** 2), { maxInstances: 16 });
  });
  afterAll(() => env.close());

  it('runs 1,000 tasks through runAll with no loss, in input order', async () => {
    const session = await one(env.client.createSession({ application: 'square', maxInstances: 16 }));
    const codecs = { input: jsonCodec<number>(), output: textCodec };
    const outputs = await all(range(0, 1000).pipe(runAll((n) => session.invoke(n, codecs), { concurrency: 64 })));
    expect(outputs).toHaveLength(1000);
    outputs.forEach((output, n) => expect(output).toBe(String(n * n)));
    const status = await one(session.get());
    expect(status).toMatchObject({ succeed: 1000, failed: 0, pending: 0, running: 0 });
  });

  it('unordered runAll delivers every result once', async () => {
    const session = await one(env.client.createSession('square'));
    const codecs = { input: jsonCodec<number>(), output: textCodec };
    const results = await all(
      from([3, 1, 4, 1, 5, 9, 2, 6]).pipe(
        runAll((n) => session.run(n, codecs), { concurrency: 3, ordered: false }),
      ),
    );
    expect(results.map((r) => r.output).sort()).toEqual(['1', '1', '16', '25', '36', '4', '81', '9']);
    expect(new Set(results.map((r) => r.taskId)).size).toBe(8);
  });

  it('retryFailedTasks resubmits a failed task as a NEW task, and gives up after the policy', async () => {
    const attempts = new Map<string, number>();
    env.emu.handle('flaky', (input) => {
      const key = fromUtf8(input);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      if (key === 'always' || attempt < 2) throw new Error(`attempt ${attempt} of ${key} failed`);
      return `ok after ${attempt}`;
    });
    const session = await one(env.client.createSession('flaky'));
    const codecs = { input: textCodec, output: textCodec };
    const policy = backoffPolicy({ initialDelayMs: 10, jitter: 0, maxAttempts: 2 });
    const resubmits: string[] = [];
    const output = await one(
      session.invoke('once', codecs).pipe(
        retryFailedTasks({ policy, onResubmit: ({ error }) => resubmits.push(error.taskId) }),
      ),
    );
    expect(output).toBe('ok after 2');
    expect(resubmits).toEqual(['1']);

    const error = await errorOf(session.invoke('always', codecs).pipe(retryFailedTasks({ policy })));
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ taskId: '5', failureMessage: 'attempt 3 of always failed' });
    const ids = (await all(session.listTasks())).map((t) => t.id).sort();
    expect(ids).toEqual(['1', '2', '3', '4', '5']);
  });
});
