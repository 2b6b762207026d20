import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { untilProcessEnd } from '../../src/observables/operators/pie/until-process-end.js';

const events: Record<string, ProcessEvent> = {
  o: { kind: 'stdout', processId: 'p1', text: 'out' },
  e: { kind: 'stderr', processId: 'p1', text: 'err' },
  m: { kind: 'message', processId: 'p1', text: 'ready' },
  r: { kind: 'return', processId: 'p1', value: '42' },
  x: { kind: 'error', processId: 'p1', message: 'Signal' },
};

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('untilProcessEnd', () => {
  it('passes events through the first terminal event, then completes and unsubscribes', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-o-e-m-r-o-', events);
      expectObservable(source.pipe(untilProcessEnd())).toBe('-o-e-m-(r|)', events);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('keeps only the first of two racing terminal events (spec 4.3)', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-o-x-r-', events);
      expectObservable(source.pipe(untilProcessEnd())).toBe('-o-(x|)', events);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('ignores a terminal event arriving in the same frame after the first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-(xr)-o|', events);
      expectObservable(source.pipe(untilProcessEnd())).toBe('-o-(x|)', events);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('completes with the source when no terminal event comes, and passes errors through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const done = cold('-o-|', events);
      expectObservable(done.pipe(untilProcessEnd())).toBe('-o-|', events);
      expectSubscriptions(done.subscriptions).toBe('^--!');
      const broken = cold('-o-#', events, new Error('lost'));
      expectObservable(broken.pipe(untilProcessEnd())).toBe('-o-#', events, new Error('lost'));
      expectSubscriptions(broken.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes upstream when the caller unsubscribes first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-e---r|', events);
      expectObservable(source.pipe(untilProcessEnd()), '^----!').toBe('-o-e--', events);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });
});
