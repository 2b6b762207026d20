import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { ProcessEventRouter } from '../../src/observables/pie/processes/process-router.js';
import { ProcessRoute } from '../../src/observables/pie/processes/process-route.js';
import { PieProcessLostError } from '../../src/model/pie/errors.js';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import type { PieProcessEventFrame } from '../../src/transport/ws/messages.js';

const ID = '67e55044-10b1-426f-9247-bb680e5fe0c8';
const CHILD = '11111111-2222-4333-8444-555555555555';
const frame = (event: string, value: string, id = ID): PieProcessEventFrame => ({
  type: 'process_event',
  process_id: id,
  event,
  value,
});
const frames: Record<string, PieProcessEventFrame> = {
  a: frame('stdout', 'x'),
  b: frame('stdout', 'x'), // the same text again: a legitimate repeat, not a duplicate
  r: frame('return', 'done'),
  e: frame('error', 'Signal'),
  u: frame('stdout', 'U', ID.toUpperCase()),
  c: frame('stdout', 'child', CHILD),
  k: frame('return', 'child done', CHILD),
};
const ev: Record<string, ProcessEvent> = {
  a: { kind: 'stdout', processId: ID, text: 'x' },
  u: { kind: 'stdout', processId: ID, text: 'U' },
  r: { kind: 'return', processId: ID, value: 'done' },
  c: { kind: 'stdout', processId: CHILD, text: 'child' },
  k: { kind: 'return', processId: CHILD, value: 'child done' },
};

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('ProcessEventRouter (marbles)', () => {
  it('routes by normalised id, keeps repeats, ends at the first terminal event and ignores the rest', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const router = new ProcessEventRouter();
      const route = router.open(ID, { session: 1, releasePolicy: 'detach' });
      const wire = hot('-a-b-u-r-e-a-|', frames);
      wire.subscribe((f) => router.dispatch(f));
      expectObservable(route.events$).toBe('-a-a-u-(r|)', ev);
      expectObservable(route.events$, '---------^').toBe('---------(r|)', ev);
    });
  });

  it('queues events until the first subscriber, who gets them at once', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const router = new ProcessEventRouter();
      const route = router.open(ID, { session: 1, releasePolicy: 'detach' });
      hot('-a-u--------r', frames).subscribe((f) => router.dispatch(f));
      expectObservable(route.events$, '-----^').toBe('-----(au)---(r|)', ev);
    });
  });

  it('keeps events of unknown ids in a bounded orphan buffer, drained by a later route', () => {
    const router = new ProcessEventRouter({ orphanCapacity: 2 });
    for (let i = 0; i < 3; i++) router.dispatch(frames.c!);
    expect(router.orphanStats).toEqual({ held: 2, dropped: 1 });
    const seen: ProcessEvent[] = [];
    router.open(CHILD, { session: 1, releasePolicy: 'detach' }).events$.subscribe((e) => seen.push(e));
    expect(seen).toEqual([ev.c, ev.c]);
    expect(router.orphanStats).toEqual({ held: 0, dropped: 1 });
  });

  it('hands unclaimed events to listeners (workflows) and forgets a child after its terminal event', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const router = new ProcessEventRouter();
      const wire = hot('-c-k-c-|', frames);
      wire.subscribe((f) => router.dispatch(f));
      expectObservable(router.unclaimed$, '^------!').toBe('-c-k---', ev);
      expectSubscriptions(wire.subscriptions).toBe('^------!');
    });
  });

  it('fails live routes with the given error; release completes subscribers and ignores later events', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const router = new ProcessEventRouter();
      const failing = router.open(ID, { session: 1, releasePolicy: 'detach' });
      const lost = new PieProcessLostError({ processId: ID, reason: 'gone' });
      hot('-a--x', { a: frames.a!, x: null }).subscribe((f) => (f ? router.dispatch(f) : router.failAll(() => lost)));
      expectObservable(failing.events$).toBe('-a--#', ev, lost);
    });
    scheduler().run(({ hot, expectObservable }) => {
      const released: string[] = [];
      const router = new ProcessEventRouter({ onReleased: (route, policy) => released.push(`${route.id}:${policy}`) });
      const route = router.open(ID, { session: 1, releasePolicy: 'terminate' });
      hot('-a-x-a-r', { a: frames.a!, r: frames.r!, x: null }).subscribe((f) => (f ? router.dispatch(f) : route.release()));
      expectObservable(route.events$).toBe('-a-|', ev);
      hot('--------x').subscribe(() => expect(released).toEqual([`${ID}:terminate`]));
    });
  });

  it('a route refuses to queue without bound before anyone subscribes', () => {
    const route = new ProcessRoute(ID, { session: 1, releasePolicy: 'detach', maxPendingEvents: 2 });
    route.deliver(ev.a!);
    route.deliver(ev.a!);
    route.deliver(ev.a!);
    const seen: unknown[] = [];
    route.events$.subscribe({ next: (e) => seen.push(e), error: (e) => seen.push(e) });
    expect(seen.slice(0, 2)).toEqual([ev.a, ev.a]);
    expect(seen[2]).toBeInstanceOf(PieProcessLostError);
  });
});
