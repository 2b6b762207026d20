import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PieProcessFailedError, PieProcessLostError, PieReturnValueError } from '../../src/model/pie/errors.js';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { returnValue } from '../../src/observables/operators/pie/return-value.js';

const events: Record<string, ProcessEvent> = {
  o: { kind: 'stdout', processId: 'p1', text: 'thinking' },
  m: { kind: 'message', processId: 'p1', text: 'ready' },
  r: { kind: 'return', processId: 'p1', value: '{"answer":42}' },
  s: { kind: 'return', processId: 'p1', value: '"plain"' },
  n: { kind: 'return', processId: 'p1', value: 'not json' },
  x: { kind: 'error', processId: 'p1', message: 'Signal' },
};

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('returnValue', () => {
  it('emits the parsed return value, completes and unsubscribes at once', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-o-m-r-x-o-', events);
      expectObservable(source.pipe(returnValue<{ answer: number }>())).toBe('-----(v|)', { v: { answer: 42 } });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('parses any JSON value', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-s|', events).pipe(returnValue<string>())).toBe('-(v|)', { v: 'plain' });
    });
  });

  it('fails with PieProcessFailedError on an error event, ignoring a later return', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-x-r|', events);
      expectObservable(source.pipe(returnValue())).toBe(
        '---#',
        undefined,
        new PieProcessFailedError({ processId: 'p1', message: 'Signal' }),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('fails with PieReturnValueError when the return text is not JSON', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--n|', events);
      expectObservable(source.pipe(returnValue())).toBe(
        '--#',
        undefined,
        new PieReturnValueError({ processId: 'p1', value: 'not json' }),
      );
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('fails with PieProcessLostError when the events end without a terminal event', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-m|', events);
      expectObservable(source.pipe(returnValue())).toBe(
        '----#',
        undefined,
        new PieProcessLostError({ processId: 'p1', reason: 'its events ended without a return or error event' }),
      );
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('passes an upstream error through unchanged', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-#', events, new Error('connection lost'));
      expectObservable(source.pipe(returnValue())).toBe('---#', undefined, new Error('connection lost'));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes upstream when the caller unsubscribes first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o-----r|', events);
      expectObservable(source.pipe(returnValue()), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('completes on a synchronous return without waiting for more', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('(r)-o-', events);
      expectObservable(source.pipe(returnValue())).toBe('(v|)', { v: { answer: 42 } });
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });
});
