import { describe, expect, it } from 'vitest';
import { BehaviorSubject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { processesToReattach, reattachOutcome } from '../../src/observables/pie/processes/reattach.js';
import { reattachProcesses } from '../../src/observables/pie/processes/reattach-runner.js';
import { ProcessEventRouter } from '../../src/observables/pie/processes/process-router.js';
import { PauseGate } from '../../src/observables/pie/processes/pause-gate.js';
import { createProcessHandle } from '../../src/observables/pie/processes/process-handle.js';
import type { PieClientContext } from '../../src/observables/pie/connection/client-context.js';
import { PieConnectionLostError, PieProcessLostError } from '../../src/model/pie/errors.js';
import { ScriptedConnection, reply } from '../pie/client/scripted-connection.js';
import type { PieResponse } from '../../src/transport/ws/messages.js';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function context(connection: ScriptedConnection): PieClientContext {
  return {
    connection,
    router: new ProcessEventRouter(),
    session$: new BehaviorSubject(1),
    pauseGate: new PauseGate(
      () => connection.pause(),
      () => connection.resume(),
    ),
  };
}

describe('reattach decisions', () => {
  it('reattaches only wanted processes attached on an older session, and only after a reconnect', () => {
    const candidates = [
      { id: A, wanted: true, attachedSession: 1 },
      { id: B, wanted: false, attachedSession: 1 },
      { id: 'c', wanted: true, attachedSession: 2 },
      { id: '', wanted: true, attachedSession: 1 },
    ];
    expect(processesToReattach(candidates, 1)).toEqual([]);
    expect(processesToReattach(candidates, 2)).toEqual([A]);
    expect(processesToReattach(candidates, 3)).toEqual([A, 'c']);
  });

  it('Process not found on reattach explains the engine limitation of spec 4.7', () => {
    expect(reattachOutcome(A, reply(true, 'Process attached'))).toBe('attached');
    const lost = reattachOutcome(A, reply(false, 'Process not found')) as PieProcessLostError;
    expect(lost).toBeInstanceOf(PieProcessLostError);
    expect(lost.reason).toMatch(/do not detach processes on disconnect/);
    expect((reattachOutcome(A, reply(false, 'Permission denied')) as PieProcessLostError).reason).toMatch(/Permission denied/);
  });
});

describe('reattachProcesses (marbles)', () => {
  it('a signal waits until the process is reattached on the new session, then goes out', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const connection = new ScriptedConnection(() => cold('---r|', { r: reply(true, 'Process attached') }));
      const ctx = context(connection);
      const route = ctx.router.open(A, { session: 1, releasePolicy: 'detach' });
      const handle = createProcessHandle(ctx, A, route);
      hot('-x', { x: 0 }).subscribe((s) => ctx.session$.next(s)); // connection lost
      hot('----y', { y: 2 }).subscribe((s) => {
        ctx.session$.next(s);
        reattachProcesses(ctx, s);
      });
      expectObservable(handle.signal('go'), '--^').toBe('-------(v|)', { v: undefined });
      expectObservable(route.attachedSession$).toBe('1------2', { 1: 1, 2: 2 });
    });
  });

  it('a refused reattach fails the stream; a connection lost meanwhile waits for the next session', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const script = [
        cold('--r|', { r: reply(false, 'Process not found') }),
        cold<PieResponse>('--#', {}, new PieConnectionLostError('dropped')),
      ];
      const connection = new ScriptedConnection((_, index) => script[index]!);
      const ctx = context(connection);
      const a = ctx.router.open(A, { session: 1, releasePolicy: 'detach' });
      const b = ctx.router.open(B, { session: 1, releasePolicy: 'detach' });
      hot('-y', { y: 2 }).subscribe((s) => reattachProcesses(ctx, s));
      expectObservable(a.events$).toBe('---#', {}, PieProcessLostError.reattachRefused(A, 'Process not found'));
      expectObservable(b.events$, '^-----!').toBe('------');
      hot('------z').subscribe(() => {
        expect(b.ended).toBe(false);
        expect(b.attachedSession$.value).toBe(1);
        expect(connection.requests.map((r) => r.type)).toEqual(['attach_process', 'attach_process']);
      });
    });
  });
});
