import { describe, it } from 'vitest';
import { untilTerminal } from '../../src/observables/operators/flame/until-terminal.js';
import { marbleScheduler, taskIn } from '../flame/client/task-fixtures.js';

const values = {
  p: taskIn('Pending'),
  r: taskIn('Running'),
  s: taskIn('Succeed'),
  f: taskIn('Failed'),
  c: taskIn('Cancelled'),
};

describe('untilTerminal', () => {
  it('passes tasks through and completes right after the first terminal one, unsubscribing the source', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-p-r--s-r-|', values);
      expectObservable(source.pipe(untilTerminal())).toBe('-p-r--(s|)', values);
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('treats Failed and Cancelled as terminal too', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failed = cold('-f-s|', values);
      const cancelled = cold('--c-p|', values);
      expectObservable(failed.pipe(untilTerminal())).toBe('-(f|)', values);
      expectObservable(cancelled.pipe(untilTerminal())).toBe('--(c|)', values);
      expectSubscriptions(failed.subscriptions).toBe('^!');
      expectSubscriptions(cancelled.subscriptions).toBe('^-!');
    });
  });

  it('passes an error or a completion before any terminal state through', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const broken = cold('-p-#', values, new Error('stream broke'));
      const ended = cold('-r-|', values);
      expectObservable(broken.pipe(untilTerminal())).toBe('-p-#', values, new Error('stream broke'));
      expectObservable(ended.pipe(untilTerminal())).toBe('-r-|', values);
      expectSubscriptions(broken.subscriptions).toBe('^--!');
      expectSubscriptions(ended.subscriptions).toBe('^--!');
    });
  });
});
