import { describe, expect, it } from 'vitest';
import { CodecError, TaskFailedError } from '../../src/model/flame/errors.js';
import { jsonCodec, textCodec } from '../../src/model/flame/codec.js';
import { taskOutput } from '../../src/observables/operators/flame/task-output.js';
import { failureEvent, marbleScheduler, taskIn } from '../flame/client/task-fixtures.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('taskOutput', () => {
  it('skips non-terminal tasks and decodes the output of a Succeed task', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-p-r-s|', {
        p: taskIn('Pending'),
        r: taskIn('Running'),
        s: taskIn('Succeed', { output: utf8('{"sum":3}') }),
      });
      expectObservable(source.pipe(taskOutput(jsonCodec<{ sum: number }>()))).toBe('-----o|', { o: { sum: 3 } });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('emits raw bytes with the default codec, undefined for no output', () => {
    marbleScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b|', {
        a: taskIn('Succeed', { output: new Uint8Array([1, 2]) }),
        b: taskIn('Succeed'),
      });
      expectObservable(source.pipe(taskOutput())).toBe('-a-b|', { a: new Uint8Array([1, 2]), b: undefined });
    });
  });

  it('turns a Failed task into TaskFailedError carrying the failure message, and unsubscribes', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failed = taskIn('Failed', { id: '7', sessionId: 'ssn-x', events: [failureEvent('division by zero')] });
      const source = cold('-r-f-s|', { r: taskIn('Running'), f: failed, s: taskIn('Succeed') });
      const expected = new TaskFailedError({
        taskId: '7',
        sessionId: 'ssn-x',
        state: 'Failed',
        failureMessage: 'division by zero',
        failureCode: 3,
      });
      expectObservable(source.pipe(taskOutput(textCodec))).toBe('---#', undefined, expected);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('turns a Cancelled task into TaskFailedError with state Cancelled', () => {
    let caught: unknown;
    marbleScheduler().run(({ cold, expectObservable }) => {
      const source = cold('--c|', { c: taskIn('Cancelled', { id: '4' }) });
      expectObservable(source.pipe(taskOutput(textCodec))).toBe('--#', undefined, expect.anything());
      source.pipe(taskOutput(textCodec)).subscribe({ error: (e: unknown) => (caught = e) });
    });
    expect(caught).toBeInstanceOf(TaskFailedError);
    expect(caught).toMatchObject({ taskId: '4', sessionId: 'ssn-1', state: 'Cancelled', failureMessage: undefined });
    expect((caught as Error).message).toBe('task 4 of session ssn-1 ended Cancelled');
  });

  it('errors with the codec error when the output does not decode', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-s|', { s: taskIn('Succeed', { output: utf8('not json') }) });
      expectObservable(source.pipe(taskOutput(jsonCodec()))).toBe('-#', undefined, expect.any(CodecError));
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });
});
