import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { stdoutText } from '../../src/observables/operators/pie/stdout-text.js';

const events: Record<string, ProcessEvent> = {
  a: { kind: 'stdout', processId: 'p1', text: 'Hel' },
  b: { kind: 'stdout', processId: 'p1', text: 'lo' },
  c: { kind: 'stdout', processId: 'p1', text: '!' },
  u: { kind: 'stdout', processId: 'p1', text: '\uFFFD' },
  e: { kind: 'stderr', processId: 'p1', text: 'warn' },
  m: { kind: 'message', processId: 'p1', text: 'ready' },
  r: { kind: 'return', processId: 'p1', value: '"done"' },
};

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('stdoutText', () => {
  it('emits the text so far on each stdout event and ignores the others', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-e-b-m-c-r|', events);
      expectObservable(source.pipe(stdoutText())).toBe('-x---y---z--|', { x: 'Hel', y: 'Hello', z: 'Hello!' });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('keeps replacement characters as they arrived', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-u|', events);
      expectObservable(source.pipe(stdoutText())).toBe('-x-y|', { x: 'Hel', y: 'Hel\uFFFD' });
    });
  });

  it('emits nothing without stdout and passes an error through', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-e-m-#', events, new Error('lost'));
      expectObservable(source.pipe(stdoutText())).toBe('-----#', undefined, new Error('lost'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('starts from empty for each subscription and stops reading when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c|', events);
      const text = source.pipe(stdoutText());
      expectObservable(text, '^--!').toBe('-x--', { x: 'Hel' });
      expectObservable(text, '--^').toBe('---x-y-z|', { x: 'Hel', y: 'Hello', z: 'Hello!' });
      expectSubscriptions(source.subscriptions).toBe(['^--!', '--^-----!']);
    });
  });
});
