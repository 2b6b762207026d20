import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../src/observables/operators/flame/invalid-options-error.js';
import { runAll } from '../../src/observables/operators/flame/run-all.js';
import { marbleScheduler } from '../flame/client/task-fixtures.js';

describe('runAll', () => {
  it('ordered: false runs at most `concurrency` inners and emits results as they finish', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abc)|');
      const inners = {
        a: cold('-----(A|)'),
        b: cold('--(B|)'),
        c: cold('-(C|)'),
      };
      const result = inputs.pipe(runAll((input: string) => inners[input as keyof typeof inners], { concurrency: 2, ordered: false }));
      // b finishes at 2, which frees a slot for c (2..3); a finishes at 5.
      expectObservable(result).toBe('--BC-(A|)');
      expectSubscriptions(inners.a.subscriptions).toBe('^----!');
      expectSubscriptions(inners.b.subscriptions).toBe('^-!');
      expectSubscriptions(inners.c.subscriptions).toBe('--^!');
    });
  });

  it('ordered: true emits in input order, each result once every earlier input has completed', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abcd)|');
      const inners = {
        a: cold('---A--(X|)'),
        b: cold('-(B|)'),
        c: cold('----------(C|)'),
        d: cold('-(D|)'),
      };
      const result = inputs.pipe(runAll((input: string) => inners[input as keyof typeof inners], { concurrency: 3, ordered: true }));
      // a streams through (A at 3, X at 6); b's result waits for a; c runs 0..10; d starts
      // when b frees a slot (1) and finishes at 2, but waits for c.
      expectObservable(result).toBe('---A--(XB)(CD|)');
      expectSubscriptions(inners.a.subscriptions).toBe('^-----!');
      expectSubscriptions(inners.b.subscriptions).toBe('^!');
      expectSubscriptions(inners.c.subscriptions).toBe('^---------!');
      expectSubscriptions(inners.d.subscriptions).toBe('-^!');
    });
  });

  it('defaults to ordered results', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const inners = { a: cold('---(A|)'), b: cold('-(B|)') };
      const result = cold('(ab|)').pipe(runAll((input: string) => inners[input as keyof typeof inners]));
      expectObservable(result).toBe('---(AB|)');
    });
  });

  it('an inner error errors the output and unsubscribes the other running inners and the source', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('a-b-c-d|');
      const inputSubs = '^---!';
      const inners = {
        a: cold('--------(A|)'),
        b: cold('--#', undefined, new Error('task submission failed')),
        c: cold('--(C|)'),
        d: cold('-(D|)'),
      };
      const result = inputs.pipe(runAll((input: string) => inners[input as keyof typeof inners], { concurrency: 2, ordered: false }));
      expectObservable(result).toBe('----#', undefined, new Error('task submission failed'));
      expectSubscriptions(inputs.subscriptions).toBe(inputSubs);
      expectSubscriptions(inners.a.subscriptions).toBe('^---!');
      expectSubscriptions(inners.b.subscriptions).toBe('--^-!');
      expectSubscriptions(inners.c.subscriptions).toBe([]);
      expectSubscriptions(inners.d.subscriptions).toBe([]);
    });
  });

  it('unsubscribing the output unsubscribes every running inner', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const inner = cold('----(A|)');
      const result = cold('(aa|)').pipe(runAll(() => inner, { concurrency: 2 }));
      expectObservable(result, '^-!').toBe('---');
      expectSubscriptions(inner.subscriptions).toBe(['^-!', '^-!']);
    });
  });

  it('passes the input index to the projection', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const result = cold('-x-y|').pipe(runAll((input: string, index) => [`${input}${index}`]));
      expectObservable(result).toBe('-a-b|', { a: 'x0', b: 'y1' });
    });
  });

  it('rejects a concurrency that is not a positive integer', () => {
    for (const concurrency of [0, -1, 1.5, Number.NaN]) {
      expect(() => runAll(() => [], { concurrency })).toThrow(InvalidOptionsError);
    }
    expect(() => runAll(() => [], { concurrency: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});
