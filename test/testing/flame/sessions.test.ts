// Session RPCs against flame.md 3.3.9, 3.4.6–3.4.10 (filesystem profile).
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionState, TaskState } from '../../../src/gen/flame/v1/types.js';
import { bytes, call, callError, defaultSpec, startHarness, type Harness } from './helpers.js';

const FALLBACK = { cpu: 1n, memory: 1073741824n, gpu: 0 };

describe('session RPCs', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('creates an Open session echoing the spec with batch_size 1 and the resolved resreq', async () => {
    h = await startHarness();
    const session = await call(h.client, 'createSession', {
      sessionId: 's1',
      session: { application: 'flmping', commonData: bytes('cd'), minInstances: 1, maxInstances: 4, batchSize: 9, priority: 3, tokens: {} },
    });
    expect(session.metadata).toEqual({ id: 's1', name: 's1' });
    expect(session.spec).toEqual({
      application: 'flmping',
      commonData: bytes('cd'),
      minInstances: 1,
      maxInstances: 4,
      batchSize: 1,
      priority: 3,
      resreq: FALLBACK,
      tokens: {},
    });
    const st = session.status!;
    expect(st.state).toBe(SessionState.Open);
    expect([st.pending, st.running, st.succeed, st.failed, st.cancelled]).toEqual([0, 0, 0, 0, 0]);
    expect(st.completionTime).toBeUndefined();
    expect(st.events).toEqual([]);
  });

  it('uses a given resreq verbatim, even all zeros', async () => {
    h = await startHarness({ clusterResreq: 'cpu=2,mem=4g' });
    const zero = { cpu: 0n, memory: 0n, gpu: 0 };
    const a = await call(h.client, 'createSession', { sessionId: 'z', session: defaultSpec('flmping', { resreq: zero }) });
    expect(a.spec!.resreq).toEqual(zero);
    const b = await call(h.client, 'createSession', { sessionId: 'c', session: defaultSpec('flmping') });
    expect(b.spec!.resreq).toEqual({ cpu: 2n, memory: 4n * 1024n ** 3n, gpu: 0 });
  });

  it('stores whole-second timestamps by default', async () => {
    h = await startHarness({ timestampResolution: 'second' });
    const s = await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    expect(s.status!.creationTime % 1000n).toBe(0n);
  });

  it('answers CreateSession errors with the fs codes and texts', async () => {
    h = await startHarness();
    expect(await callError(h.client, 'createSession', { sessionId: 'x', session: undefined })).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'session spec',
    });
    expect(await callError(h.client, 'createSession', { sessionId: 'x', session: defaultSpec('nope') })).toEqual({
      code: status.NOT_FOUND,
      details: 'Application nope not found: No such file or directory (os error 2)',
    });
    await call(h.client, 'createSession', { sessionId: 'x', session: defaultSpec('flmping') });
    expect(await callError(h.client, 'createSession', { sessionId: 'x', session: defaultSpec('flmping') })).toEqual({
      code: status.ALREADY_EXISTS,
      details: "Session 'x' already exists",
    });
  });

  describe('OpenSession decision table', () => {
    it('returns an existing Open session without spec, or with a matching spec (keeping common_data)', async () => {
      h = await startHarness();
      await call(h.client, 'createSession', { sessionId: 'o', session: defaultSpec('flmping', { commonData: bytes('one') }) });
      const bare = await call(h.client, 'openSession', { sessionId: 'o' });
      expect(bare.metadata!.id).toBe('o');
      const matched = await call(h.client, 'openSession', {
        sessionId: 'o',
        session: defaultSpec('flmping', { commonData: bytes('two'), batchSize: 7 }),
      });
      expect(matched.spec!.commonData).toEqual(bytes('one'));
      expect(matched.status!.events).toEqual([]);
    });

    it('reports the first differing field with Rust debug formatting', async () => {
      h = await startHarness();
      await call(h.client, 'createSession', {
        sessionId: 'm',
        session: defaultSpec('flmping', { maxInstances: 5, minInstances: 1, priority: 2 }),
      });
      const base = { maxInstances: 5, minInstances: 1, priority: 2 };
      const cases: [Record<string, unknown>, string][] = [
        [{ ...base, application: 'flmexec' }, "application differs (expected 'flmping', got 'flmexec')"],
        [
          { ...base, resreq: { cpu: 2n, memory: 1n, gpu: 1 } },
          'resreq differs (expected Some(ResourceRequirement { cpu: 1, memory: 1073741824, gpu: 0 }), got Some(ResourceRequirement { cpu: 2, memory: 1, gpu: 1 }))',
        ],
        [{ ...base, minInstances: 0 }, 'min_instances differs (expected 1, got 0)'],
        [{ ...base, maxInstances: undefined }, 'max_instances differs (expected Some(5), got None)'],
        [{ ...base, maxInstances: 6 }, 'max_instances differs (expected Some(5), got Some(6))'],
        [{ ...base, priority: 0 }, 'priority differs (expected 2, got 0)'],
        // Several fields differ: only the first in comparison order is reported.
        [{ application: 'flmexec', priority: 9 }, "application differs (expected 'flmping', got 'flmexec')"],
      ];
      for (const [change, text] of cases) {
        const requested = { ...defaultSpec('flmping'), ...change } as ReturnType<typeof defaultSpec>;
        expect(await callError(h.client, 'openSession', { sessionId: 'm', session: requested })).toEqual({
          code: status.INVALID_ARGUMENT,
          details: `session <m> spec mismatch: ${text}`,
        });
      }
    });

    it('refuses a Closed session with or without spec', async () => {
      h = await startHarness();
      await call(h.client, 'createSession', { sessionId: 'c', session: defaultSpec('flmping') });
      await call(h.client, 'closeSession', { sessionId: 'c' });
      for (const session of [undefined, defaultSpec('flmping')]) {
        expect(await callError(h.client, 'openSession', { sessionId: 'c', session })).toEqual({
          code: status.INVALID_ARGUMENT,
          details: 'Session c is not open',
        });
      }
    });

    it('answers NOT_FOUND for an unknown id without spec and creates it with spec', async () => {
      h = await startHarness();
      expect(await callError(h.client, 'openSession', { sessionId: 'n' })).toEqual({
        code: status.NOT_FOUND,
        details: 'Session n not found',
      });
      const created = await call(h.client, 'openSession', { sessionId: 'n', session: defaultSpec('flmping') });
      expect(created.status!.state).toBe(SessionState.Open);
      expect(created.spec!.resreq).toEqual(FALLBACK);
      expect(await callError(h.client, 'openSession', { sessionId: 'q', session: defaultSpec('nope') })).toEqual({
        code: status.NOT_FOUND,
        details: 'Application nope not found: No such file or directory (os error 2)',
      });
    });
  });

  describe('CloseSession', () => {
    it('answers NOT_FOUND for an unknown session', async () => {
      h = await startHarness();
      expect(await callError(h.client, 'closeSession', { sessionId: 'u' })).toEqual({
        code: status.NOT_FOUND,
        details: 'session <u>',
      });
    });

    it('refuses to close with a Running task, changing nothing', async () => {
      h = await startHarness();
      await call(h.client, 'createSession', { sessionId: 'r', session: defaultSpec('flmping') });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'r' } });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'r' } });
      h.emu.setTaskState('r', 1, 'Running');
      expect(await callError(h.client, 'closeSession', { sessionId: 'r' })).toEqual({
        code: status.INTERNAL,
        details: 'Cannot close session with running tasks',
      });
      const s = await call(h.client, 'getSession', { sessionId: 'r' });
      expect(s.status!.state).toBe(SessionState.Open);
      expect([s.status!.pending, s.status!.running]).toEqual([1, 1]);
    });

    it('cancels Pending tasks without events, completion_time = close time; closing again refreshes it', async () => {
      h = await startHarness();
      await call(h.client, 'createSession', { sessionId: 'p', session: defaultSpec('flmping') });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'p' } });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'p' } });
      h.emu.setTaskState('p', 2, 'Succeed');
      const closed = await call(h.client, 'closeSession', { sessionId: 'p' });
      expect(closed.status!.state).toBe(SessionState.Closed);
      expect(closed.status!.events).toEqual([]);
      expect([closed.status!.pending, closed.status!.succeed, closed.status!.cancelled]).toEqual([0, 1, 1]);
      const t1 = await call(h.client, 'getTask', { sessionId: 'p', taskId: '1' });
      expect(t1.status!.state).toBe(TaskState.Cancelled);
      expect(t1.status!.completionTime).toBe(closed.status!.completionTime);
      expect(t1.status!.events.map((e) => e.code)).toEqual([0]);
      await new Promise((r) => setTimeout(r, 5));
      const again = await call(h.client, 'closeSession', { sessionId: 'p' });
      expect(again.status!.completionTime! > closed.status!.completionTime!).toBe(true);
    });
  });

  it('GetSession answers NOT_FOUND with the bare id; List returns open and closed sessions', async () => {
    h = await startHarness();
    expect(await callError(h.client, 'getSession', { sessionId: 'ghost' })).toEqual({
      code: status.NOT_FOUND,
      details: 'ghost',
    });
    await call(h.client, 'createSession', { sessionId: 'a', session: defaultSpec('flmping') });
    await call(h.client, 'createSession', { sessionId: 'b', session: defaultSpec('flmping') });
    await call(h.client, 'closeSession', { sessionId: 'b' });
    const list = await call(h.client, 'listSession', { ids: [] });
    const states = Object.fromEntries(list.sessions.map((s) => [s.metadata!.id, s.status!.state]));
    expect(states).toEqual({ a: SessionState.Open, b: SessionState.Closed });
  });

  describe('DeleteSession (fs column)', () => {
    it('follows the table', async () => {
      h = await startHarness();
      expect(await callError(h.client, 'deleteSession', { sessionId: 'u' })).toEqual({
        code: status.NOT_FOUND,
        details: 'session <u>',
      });
      await call(h.client, 'createSession', { sessionId: 'd', session: defaultSpec('flmping') });
      expect(await callError(h.client, 'deleteSession', { sessionId: 'd' })).toEqual({
        code: status.INTERNAL,
        details: 'Cannot delete open session',
      });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'd' } });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'd' } });
      h.emu.setTaskState('d', 1, 'Failed');
      await call(h.client, 'closeSession', { sessionId: 'd' });
      // A closed session with a non-terminal task (forced here) cannot be deleted.
      h.emu.setTaskState('d', 2, 'Pending');
      expect(await callError(h.client, 'deleteSession', { sessionId: 'd' })).toEqual({
        code: status.INTERNAL,
        details: 'Cannot delete session with non-terminal tasks',
      });
      h.emu.setTaskState('d', 2, 'Cancelled');
      const deleted = await call(h.client, 'deleteSession', { sessionId: 'd' });
      expect(deleted.status!.state).toBe(SessionState.Closed);
      expect([deleted.status!.failed, deleted.status!.cancelled]).toEqual([1, 1]);
      expect((await callError(h.client, 'getSession', { sessionId: 'd' })).code).toBe(status.NOT_FOUND);
    });

    it('deletes a closed session whose tasks all succeeded', async () => {
      h = await startHarness();
      await call(h.client, 'createSession', { sessionId: 'ok', session: defaultSpec('flmping') });
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'ok' } });
      h.emu.setTaskState('ok', 1, 'Succeed');
      await call(h.client, 'closeSession', { sessionId: 'ok' });
      expect((await call(h.client, 'deleteSession', { sessionId: 'ok' })).metadata!.id).toBe('ok');
    });
  });
});
