// createThenFollow: runTask's one-subscriber form of admittedOnce + followCreated. Same
// emissions, subscriptions and teardowns as the two operators it stands for.
import { describe, it } from 'vitest';
import { createThenFollow } from '../../src/observables/flame/create-then-follow.js';
import { runAll } from '../../src/observables/operators/flame/run-all.js';
import { marbleScheduler } from '../flame/client/task-fixtures.js';

const always = (): boolean => true;

describe('createThenFollow', () => {
  it('emits the created value, then follows it, completing with the followed Observable', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('--(c|)');
      const watch = cold('-r--(t|)');
      expectObservable(createThenFollow(create, () => watch, always)).toBe('--cr--(t|)');
      expectSubscriptions(create.subscriptions).toBe('^-!');
      expectSubscriptions(watch.subscriptions).toBe('--^---!');
    });
  });

  it('emitFirst false leaves the created value out: the followed Observable speaks for it', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('--(c|)');
      const watch = cold('-(t|)');
      expectObservable(createThenFollow(create, () => watch, (v) => v !== 'c')).toBe('---(t|)');
      expectSubscriptions(watch.subscriptions).toBe('--^!');
    });
  });

  it('unsubscribing cancels the pending create, or the followed Observable once it runs', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('--(c|)');
      const watch = cold('-----(t|)');
      expectObservable(createThenFollow(create, () => watch, always), '^!').toBe('--');
      expectObservable(createThenFollow(create, () => watch, always), '^---!').toBe('--c--');
      expectSubscriptions(create.subscriptions).toBe(['^!', '^-!']);
      expectSubscriptions(watch.subscriptions).toBe('--^-!');
    });
  });

  it('an error of either, a throwing follow, or an empty create ends the output', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold('--#');
      expectObservable(createThenFollow(cold('-#'), () => watch, always)).toBe('-#');
      expectObservable(createThenFollow(cold('-(c|)'), () => watch, always)).toBe('-c-#');
      expectSubscriptions(watch.subscriptions).toBe('-^-!');
      expectObservable(createThenFollow(cold('--|'), () => cold('-a|'), always)).toBe('--|');
      const thrown = new Error('no watch');
      const throwing = (): never => {
        throw thrown;
      };
      expectObservable(createThenFollow(cold('-(c|)'), throwing, always)).toBe('-(c#)', { c: 'c' }, thrown);
    });
  });

  it('inside runAll it frees its slot once created: the next create starts while earlier ones are followed', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(ab)|');
      const creates = { a: cold('--(a|)'), b: cold('--(b|)') };
      const watches = { a: cold('----(A|)'), b: cold('-(B|)') };
      const result = inputs.pipe(
        runAll((input: string) => createThenFollow(creates[input as 'a' | 'b'], () => watches[input as 'a' | 'b'], () => false), {
          concurrency: 1,
        }),
      );
      // a is created at 2, which admits b (created at 4); results in input order.
      expectObservable(result).toBe('------(AB|)');
      expectSubscriptions(creates.a.subscriptions).toBe('^-!');
      expectSubscriptions(creates.b.subscriptions).toBe('--^-!');
      expectSubscriptions(watches.a.subscriptions).toBe('--^---!');
      expectSubscriptions(watches.b.subscriptions).toBe('----^!');
    });
  });
});
