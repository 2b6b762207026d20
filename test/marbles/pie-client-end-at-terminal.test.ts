import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { endAtTerminalEvent } from '../../src/observables/pie/processes/end-at-terminal-event.js';
import { PieProcessFailedError } from '../../src/model/pie/errors.js';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { stdoutText } from '../../src/observables/operators/pie/index.js';

const events: Record<string, ProcessEvent> = {
  a: { kind: 'stdout', processId: 'p', text: 'a' },
  b: { kind: 'stderr', processId: 'p', text: 'b' },
  m: { kind: 'message', processId: 'p', text: 'm' },
  r: { kind: 'return', processId: 'p', value: '42' },
  e: { kind: 'error', processId: 'p', message: 'Signal' },
};

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('endAtTerminalEvent (marbles)', () => {
  it('passes events, emits the return and completes, unsubscribing the source at once', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a-b-m-r-a-e-|', events);
      expectObservable(source.pipe(endAtTerminalEvent())).toBe('--a-b-m-(r|)', events);
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('emits the error event, then errors with PieProcessFailedError; later events are ignored', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('--a--e--r--|', events);
      const error = new PieProcessFailedError({ processId: 'p', message: 'Signal' });
      expectObservable(source.pipe(endAtTerminalEvent())).toBe('--a--(e#)', events, error);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('the first of two racing terminal events wins (spec 4.3)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-(er)|', events);
      const error = new PieProcessFailedError({ processId: 'p', message: 'Signal' });
      expectObservable(source.pipe(endAtTerminalEvent())).toBe('a-(e#)', events, error);
    });
  });

  it('forwards source errors and completion untouched; unsubscribing early tears down the source', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const failing = cold('a-#', events, new Error('lost'));
      expectObservable(failing.pipe(endAtTerminalEvent())).toBe('a-#', events, new Error('lost'));
      const endless = hot('a-b-m-a-b', events);
      expectObservable(endless.pipe(endAtTerminalEvent()), '^---!').toBe('a-b-', events);
      expectSubscriptions(endless.subscriptions).toBe('^---!');
    });
  });

  it('the guide\u2019s example: with stdoutText, the text grows and the source is left at the return', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const guide = {
        a: { kind: 'stdout', processId: 'p', text: 'Hel' },
        b: { kind: 'stdout', processId: 'p', text: 'lo' },
        r: { kind: 'return', processId: 'p', value: '{}' },
      } as const;
      const source = hot('-a-b-r-a|', guide);
      expectObservable(source.pipe(endAtTerminalEvent(), stdoutText())).toBe('-x-y-|', { x: 'Hel', y: 'Hello' });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });
});
