import { describe, it } from 'vitest';
import { followCreated } from '../../src/observables/operators/flame/follow-created.js';
import { marbleScheduler } from '../flame/client/task-fixtures.js';

describe('followCreated', () => {
  it('emits the created value, then follows it, completing with the followed Observable', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('--(c|)');
      const watch = cold('-r--(t|)');
      expectObservable(create.pipe(followCreated(() => watch))).toBe('--cr--(t|)');
      expectSubscriptions(create.subscriptions).toBe('^-!');
      expectSubscriptions(watch.subscriptions).toBe('--^---!');
    });
  });

  it('emitFirst false leaves the source value out: the followed Observable speaks for it', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('--(c|)');
      const watch = cold('-(t|)');
      expectObservable(create.pipe(followCreated(() => watch, (v) => v !== 'c'))).toBe('---(t|)');
      expectSubscriptions(create.subscriptions).toBe('^-!');
      expectSubscriptions(watch.subscriptions).toBe('--^!');
    });
  });

  it('unsubscribing cancels the pending create, or the watch once it runs', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('--(c|)');
      const watch = cold('-----(t|)');
      expectObservable(create.pipe(followCreated(() => watch)), '^!').toBe('--');
      expectObservable(create.pipe(followCreated(() => watch)), '^---!').toBe('--c--');
      expectSubscriptions(create.subscriptions).toBe(['^!', '^-!']);
      expectSubscriptions(watch.subscriptions).toBe('--^-!');
    });
  });

  it('an error of the create or of the watch errors the output', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold('-#');
      const create = cold('-(c|)');
      const watch = cold('--#');
      expectObservable(failing.pipe(followCreated(() => watch))).toBe('-#');
      expectObservable(create.pipe(followCreated(() => watch))).toBe('-c-#');
      expectSubscriptions(watch.subscriptions).toBe('-^-!');
    });
  });

  it('a source that completes empty completes the output; a throwing follow errors it', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('--|').pipe(followCreated(() => cold('-a|')))).toBe('--|');
      expectObservable(
        cold('-(c|)').pipe(
          followCreated(() => {
            throw new Error('no watch');
          }),
        ),
      ).toBe('-(c#)', { c: 'c' }, new Error('no watch'));
    });
  });
});
