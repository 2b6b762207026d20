import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { ofKind } from '../../src/observables/operators/pie/of-kind.js';

const events: Record<string, ProcessEvent> = {
  o: { kind: 'stdout', processId: 'p1', text: 'out' },
  e: { kind: 'stderr', processId: 'p1', text: 'err' },
  m: { kind: 'message', processId: 'p1', text: 'ready' },
  f: { kind: 'file', processId: 'p1', bytes: new Uint8Array([1, 2]), hash: 'h' },
  r: { kind: 'return', processId: 'p1', value: '42' },
  x: { kind: 'error', processId: 'p1', message: 'Signal' },
};

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('ofKind', () => {
  it('keeps only the named kinds, at their original times', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-e-m-f-o-r|', events);
      expectObservable(source.pipe(ofKind('stdout', 'message'))).toBe('-o---m---o--|', events);
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('narrows to one kind and passes errors through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-f-o-#', events, new Error('boom'));
      const texts = source.pipe(ofKind('file'));
      expectObservable(texts).toBe('-f---#', events, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('lets nothing through when no kind is named, and unsubscribes upstream when unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--o-r-x-', events);
      expectObservable(source.pipe(ofKind()), '^---!').toBe('-----');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('narrows the type of what it lets through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-e-x|', events);
      // `text` exists on stdout/stderr events only: this compiles because ofKind narrows.
      const texts = source.pipe(
        ofKind('stdout', 'stderr'),
        map((event) => event.text),
      );
      expectObservable(texts).toBe('-a-b--|', { a: 'out', b: 'err' });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });
});
