// How a user tests their own pipelines with rxjs-marbles (the wrapper around TestScheduler
// that works with any test framework): a Flame task pipeline and a UI fed by Pie events.
import { configure } from 'rxjs-marbles';
import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { runAll } from '../../src/observables/operators/flame/run-all.js';
import { taskOutput } from '../../src/observables/operators/flame/task-output.js';
import { textCodec } from '../../src/model/flame/codec.js';
import { stdoutText } from '../../src/observables/operators/pie/stdout-text.js';
import { taskIn } from '../flame/client/task-fixtures.js';

const { marbles } = configure({ assertDeepEqual: (actual, expected) => expect(actual).toEqual(expected) });

const text = (s: string) => new TextEncoder().encode(s);

describe('user pipelines under rxjs-marbles', () => {
  it(
    'runAll with concurrency 2 keeps input order and starts the third task when a slot frees',
    marbles((m) => {
      // Each input's "task run": Pending, then Succeed with an output, at its own pace.
      const runs = {
        a: m.cold('p--s|', { p: taskIn('Pending'), s: taskIn('Succeed', { output: text('A') }) }),
        b: m.cold('p-s|', { p: taskIn('Pending'), s: taskIn('Succeed', { output: text('B') }) }),
        c: m.cold('p-s|', { p: taskIn('Pending'), s: taskIn('Succeed', { output: text('C') }) }),
      };
      const inputs = m.cold('(abc|)');
      const outputs = inputs.pipe(
        runAll((key: string) => runs[key as keyof typeof runs].pipe(taskOutput(textCodec)), { concurrency: 2 }),
      );
      // a and b start at once; b's output (frame 2) is held until a's run has completed
      // (frame 4), so results keep input order; c starts at 3, when b's run frees its slot.
      m.expect(outputs).toBeObservable('---ABC|', { A: 'A', B: 'B', C: 'C' });
      m.expect(runs.a).toHaveSubscriptions('^---!');
      m.expect(runs.b).toHaveSubscriptions('^--!');
      m.expect(runs.c).toHaveSubscriptions('---^--!');
    }),
  );

  it(
    'a status line that shows the growing stdout text of a process',
    marbles((m) => {
      const out = (t: string): ProcessEvent => ({ kind: 'stdout', processId: 'p1', text: t });
      const events = m.cold<ProcessEvent>('-a-b-m-c-r|', {
        a: out('Once '),
        b: out('upon '),
        m: { kind: 'message', processId: 'p1', text: 'progress 50%' },
        c: out('a time'),
        r: { kind: 'return', processId: 'p1', value: '{}' },
      });
      const statusLine = events.pipe(stdoutText(), map((s) => `> ${s}`));
      m.expect(statusLine).toBeObservable('-x-y---z--|', { x: '> Once ', y: '> Once upon ', z: '> Once upon a time' });
      m.expect(events).toHaveSubscriptions('^---------!');
    }),
  );
});
