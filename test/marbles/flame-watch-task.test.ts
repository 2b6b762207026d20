import { describe, expect, it } from 'vitest';
import { flameErrorFromStatus } from '../../src/model/flame/errors.js';
import type { Task } from '../../src/model/flame/types.js';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { watchTaskWith } from '../../src/observables/flame/watch-task-core.js';
import { TaskWatchGaveUpError } from '../../src/observables/flame/task-watch-gave-up-error.js';
import { callsInOrder, failureEvent, marbleScheduler, taskIn } from '../flame/client/task-fixtures.js';

// Delays 10, 20, 40, ... with no jitter, so every frame below is exact.
const policy = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxAttempts: 5 });
const unavailable = flameErrorFromStatus({ code: 14, details: 'Connection dropped', method: 'watchTask' });
const notFound = flameErrorFromStatus({ code: 5, details: '1', method: 'getTask' });
const invalid = flameErrorFromStatus({ code: 3, details: 'invalid task id', method: 'watchTask' });

const t = {
  p: taskIn('Pending'),
  r: taskIn('Running'),
  s: taskIn('Succeed', { output: new Uint8Array([42]) }),
  c: taskIn('Cancelled'),
  f: taskIn('Failed'),
  F: taskIn('Failed', { events: [failureEvent('out of memory')] }),
};

describe('watchTaskWith', () => {
  it('reconciles with one GetTask at start: the current state first, then the streamed changes', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-----s|', t);
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler });
      expectObservable(result).toBe('-r---(s|)', t);
      // The stream is left to end by itself right after its terminal message.
      expectSubscriptions(watch.subscriptions).toBe('^-----!');
      expectSubscriptions(get.subscriptions).toBe('^-!');
    });
  });

  it('with reconcileAtStart false (runTask after CreateTask), the first cycle opens only the stream; later cycles reconcile', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('--#', t, unavailable), cold<Task>('---s|', t)];
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({
        watch: callsInOrder(watches),
        get: () => get,
        policy,
        scheduler,
        seenState: 'Pending',
        reconcileAtStart: false,
      });
      // break at 2 → wait 10 → cycle at 12 with its GetTask (Running at 13), Succeed at 15.
      expectObservable(result).toBe('------------- r-(s|)', t);
      expectSubscriptions(watches[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(watches[1]!.subscriptions).toBe('------------^---!');
      expectSubscriptions(get.subscriptions).toBe('------------^-!');
    });
  });

  it('never emits a state twice nor goes backwards (a late GetTask with an older state is dropped)', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-r--r-s|', t);
      const get = cold<Task>('---p|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler });
      expectObservable(result).toBe('-r----(s|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^------!');
      expectSubscriptions(get.subscriptions).toBe('^---!');
    });
  });

  it('resumes after a retryable break with exact backoff timing, reconciling each time', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('--#', t, unavailable), cold<Task>('---#', t, unavailable), cold<Task>('--s|', t)];
      const gets = [cold<Task>('-p|', t), cold<Task>('-----r|', t), cold<Task>('-r|', t)];
      const result = watchTaskWith({ watch: callsInOrder(watches), get: callsInOrder(gets), policy, scheduler });
      // break at 2 → wait 10 → cycle at 12, break at 15 (its GetTask, no longer needed, is
      // left to end at 18) → wait 20 → cycle at 35: Running from GetTask at 36, Succeed at 37.
      expectObservable(result).toBe('-p 34ms r(s|)', t);
      expectSubscriptions(watches[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(gets[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(watches[1]!.subscriptions).toBe('12ms ^--!');
      expectSubscriptions(gets[1]!.subscriptions).toBe('12ms ^-----!');
      expectSubscriptions(watches[2]!.subscriptions).toBe('35ms ^--!');
      expectSubscriptions(gets[2]!.subscriptions).toBe('35ms ^-!');
    });
  });

  it('a streamed message resets the backoff: the next break waits the initial delay again', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('-#', t, unavailable), cold<Task>('-r-#', t, unavailable), cold<Task>('-s|', t)];
      const gets = [cold<Task>('-----|'), cold<Task>('-----|'), cold<Task>('-----|')];
      const result = watchTaskWith({ watch: callsInOrder(watches), get: callsInOrder(gets), policy, scheduler });
      // break at 1 → 11: Running at 12, break at 14 → waits 10 (not 20) → 24: Succeed at 25.
      expectObservable(result).toBe('12ms r 12ms (s|)', t);
      expectSubscriptions(watches[1]!.subscriptions).toBe('11ms ^--!');
      expectSubscriptions(watches[2]!.subscriptions).toBe('24ms ^-!');
    });
  });

  it('after a stream ends without a terminal state, asks GetTask and re-watches after a delay', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('--|'), cold<Task>('-s|', t)];
      const gets = [cold<Task>('----p|', t), cold<Task>('-r|', t), cold<Task>('---r|', t)];
      const result = watchTaskWith({ watch: callsInOrder(watches), get: callsInOrder(gets), policy, scheduler });
      // The stream ends at 2 (the reconciling GetTask's answer is ignored; it ends at 5);
      // GetTask 2..3 says Running; wait 10 → cycle at 13: Succeed at 14.
      expectObservable(result).toBe('---r 10ms (s|)', t);
      expectSubscriptions(watches[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(gets[0]!.subscriptions).toBe('^----!');
      expectSubscriptions(gets[1]!.subscriptions).toBe('--^-!');
      expectSubscriptions(watches[1]!.subscriptions).toBe('13ms ^-!');
      expectSubscriptions(gets[2]!.subscriptions).toBe('13ms ^---!');
    });
  });

  it('completes when the GetTask after an empty end reports a terminal state', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('---|');
      const gets = [cold<Task>('-r|', t), cold<Task>('--c|', t)];
      const result = watchTaskWith({ watch: () => watch, get: callsInOrder(gets), policy, scheduler });
      expectObservable(result).toBe('-r---(c|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^--!');
      expectSubscriptions(gets[1]!.subscriptions).toBe('---^--!');
    });
  });

  it('emits the terminal state exactly once when GetTask and the stream both report it', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('--s|', t);
      const get = cold<Task>('--s|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler });
      expectObservable(result).toBe('--(s|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^--!');
      expectSubscriptions(get.subscriptions).toBe('^--!');
    });
  });

  it('a task already terminal at start: GetTask answers first and the stream is left to end by itself', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('---s|', t);
      const get = cold<Task>('-s|', t);
      expectObservable(watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler })).toBe('-(s|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^---!');
    });
  });

  it('on Failed, fetches the task with GetTask so that it carries its failure event', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('---f|', t);
      const gets = [cold<Task>('-r|', t), cold<Task>('--F|', t)];
      const result = watchTaskWith({ watch: () => watch, get: callsInOrder(gets), policy, scheduler });
      expectObservable(result).toBe('-r---(F|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^---!');
      expectSubscriptions(gets[1]!.subscriptions).toBe('---^--!');
    });
  });

  it('on Failed, emits the streamed task if the event fetch fails for good', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const watch = cold<Task>('-f|', t);
      const gets = [cold<Task>('----|'), cold<Task>('-#', undefined, notFound)];
      const result = watchTaskWith({ watch: () => watch, get: callsInOrder(gets), policy, scheduler });
      expectObservable(result).toBe('--(f|)', t);
    });
  });

  it('on Failed, retries a retryable event fetch after the backoff delay', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-f|', t);
      const gets = [cold<Task>('----|'), cold<Task>('-#', undefined, unavailable), cold<Task>('-F|', t)];
      const result = watchTaskWith({ watch: () => watch, get: callsInOrder(gets), policy, scheduler });
      // fetch 1..2 fails, wait 10 → fetch 12..13.
      expectObservable(result).toBe('13ms (F|)', t);
      expectSubscriptions(gets[2]!.subscriptions).toBe('12ms ^-!');
    });
  });

  it('unknown ids: the stream ends empty and GetTask NOT_FOUND errors the watch', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-|');
      const gets = [cold<Task>('---#', undefined, notFound), cold<Task>('-#', undefined, notFound)];
      const result = watchTaskWith({ watch: () => watch, get: callsInOrder(gets), policy, scheduler });
      expectObservable(result).toBe('--#', undefined, notFound);
      expectSubscriptions(gets[0]!.subscriptions).toBe('^--!');
      expectSubscriptions(gets[1]!.subscriptions).toBe('-^!');
    });
  });

  it('a non-retryable stream error errors the watch at once; the GetTask in flight ends by itself', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-#', undefined, invalid);
      const get = cold<Task>('-----r|', t);
      expectObservable(watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler })).toBe(
        '-#',
        undefined,
        invalid,
      );
      expectSubscriptions(get.subscriptions).toBe('^-----!');
    });
  });

  it('gives up with the last stream error when the policy runs out of attempts', () => {
    const scheduler = marbleScheduler();
    const short = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxAttempts: 2 });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-#', undefined, unavailable);
      const get = cold<Task>('-----|');
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy: short, scheduler });
      // 0..1, wait 10 → 11..12, wait 20 → 32..33, no attempts left.
      expectObservable(result).toBe('33ms #', undefined, unavailable);
      expectSubscriptions(watch.subscriptions).toBe(['^!', '11ms ^!', '32ms ^!']);
    });
  });

  it('gives up with TaskWatchGaveUpError when streams keep ending without a terminal state', () => {
    const scheduler = marbleScheduler();
    const short = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxAttempts: 1 });
    scheduler.run(({ cold, expectObservable }) => {
      const watch = cold<Task>('-|');
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy: short, scheduler });
      // The stream ends at 1, before the reconciling GetTask answers (it is dropped);
      // GetTask 1..2 says Running; wait 10 → 12: end at 13 → GetTask 13..14 → no
      // attempts left.
      expectObservable(result).toBe('--r 11ms #', t, new TaskWatchGaveUpError(1));
    });
  });

  it('a Running → Pending reset after a restart is not re-emitted', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const watches = [cold<Task>('-r-#', t, unavailable), cold<Task>('----s|', t)];
      const gets = [cold<Task>('----|'), cold<Task>('-p|', t)];
      const result = watchTaskWith({ watch: callsInOrder(watches), get: callsInOrder(gets), policy, scheduler });
      // Running at 1; break at 3 → 13: GetTask says Pending (dropped); Succeed at 17.
      expectObservable(result).toBe('-r 15ms (s|)', t);
    });
  });

  it('ignores a retryable error of the reconciling GetTask while the stream runs', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('----s|', t);
      const get = cold<Task>('-#', undefined, unavailable);
      expectObservable(watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler })).toBe('----(s|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribing tears down the open stream and GetTask at that frame', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('--r------s|', t);
      const get = cold<Task>('------p|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler });
      expectObservable(result, '^----!').toBe('--r', t);
      expectSubscriptions(watch.subscriptions).toBe('^----!');
      expectSubscriptions(get.subscriptions).toBe('^----!');
    });
  });

  it('cancels a call that does not end by itself drainMs after the watch finished', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('--s------', t);
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler, drainMs: 4 });
      expectObservable(result).toBe('-r(s|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^-----!');
    });
  });

  it('unsubscribing before the end also cancels calls that were left to drain', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('-#', undefined, unavailable), cold<Task>('-------')];
      const gets = [cold<Task>('----------------p|', t), cold<Task>('--------|')];
      const result = watchTaskWith({ watch: callsInOrder(watches), get: callsInOrder(gets), policy, scheduler });
      // The first GetTask is left running after the break at 1; unsubscribing at 14
      // cancels it together with the second cycle (started at 11).
      expectObservable(result, '^ 13ms !').toBe('');
      expectSubscriptions(gets[0]!.subscriptions).toBe('^ 13ms !');
      expectSubscriptions(watches[1]!.subscriptions).toBe('11ms ^--!');
      expectSubscriptions(gets[1]!.subscriptions).toBe('11ms ^--!');
    });
  });

  it('unsubscribing during a backoff delay cancels the delay: no new stream starts', () => {
    const scheduler = marbleScheduler();
    let watchCalls = 0;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('-#', undefined, unavailable);
      const get = cold<Task>('---|');
      const result = watchTaskWith({
        watch: () => {
          watchCalls += 1;
          return watch;
        },
        get: () => get,
        policy,
        scheduler,
      });
      expectObservable(result, '^----!').toBe('');
      expectSubscriptions(watch.subscriptions).toBe('^!');
      expectSubscriptions(get.subscriptions).toBe('^--!');
    });
    expect(watchCalls).toBe(1);
  });

  it('the guide\'s example: a break, then Running from GetTask and Succeed from the new stream', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('--#', {}, unavailable), cold<Task>('--s|', t)];
      const gets = [cold<Task>('-p|', t), cold<Task>('-r|', t)];
      const result = watchTaskWith({
        watch: callsInOrder(watches),
        get: callsInOrder(gets),
        policy: backoffPolicy({ initialDelayMs: 10, jitter: 0 }),
        scheduler,
      });
      expectObservable(result).toBe('-p 10ms -r(s|)', t);
      expectSubscriptions(watches[1]!.subscriptions).toBe('12ms ^--!');
    });
  });
});
