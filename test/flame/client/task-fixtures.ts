import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { FlameEvent, Task, TaskState } from '../../../src/model/flame/types.js';

/** A task of session `ssn-1`, id `1`, in the given state. */
export function taskIn(state: TaskState, extra: Partial<Task> = {}): Task {
  return {
    id: '1',
    sessionId: 'ssn-1',
    state,
    creationTime: new Date(1_700_000_000_000),
    events: [],
    ...extra,
  };
}

/** The event GetTask shows for a failed task (spec 3.5). */
export function failureEvent(message: string): FlameEvent {
  return { code: 3, message, creationTime: new Date(1_700_000_001_000) };
}

/** A TestScheduler whose deep equality is vitest's `toEqual`. */
export function marbleScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/**
 * A factory that returns the given Observables one per call, in order, and fails the
 * test if it is called more often than that.
 */
export function callsInOrder<T>(results: readonly T[]): () => T {
  let next = 0;
  return () => {
    const result = results[next];
    if (result === undefined) throw new Error(`called ${next + 1} times, expected at most ${results.length}`);
    next += 1;
    return result;
  };
}
