import { describe, expect, it } from 'vitest';
import { Observable, concat, defer, map, switchMap } from 'rxjs';
import { admittedOnce } from '../../src/observables/operators/flame/admission.js';
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

  it('signal: an abort unsubscribes the source and every running inner, and errors with the reason', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('a-b---c|');
      const inners = { a: cold('-(A|)'), b: cold('------(B|)'), c: cold('-(C|)') };
      const controller = new AbortController();
      const result = inputs.pipe(runAll((input: string) => inners[input as keyof typeof inners], { signal: controller.signal }));
      cold('----x').subscribe(() => controller.abort('stop'));
      expectObservable(result).toBe('-A--#', undefined, 'stop');
      expectSubscriptions(inputs.subscriptions).toBe('^---!');
      expectSubscriptions(inners.b.subscriptions).toBe('--^-!');
      expectSubscriptions(inners.c.subscriptions).toBe([]);
    });
  });

  it('signal: an aborted signal subscribes nothing', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const inputs = cold('a|');
      const result = inputs.pipe(runAll(() => cold('(A|)'), { signal: AbortSignal.abort('early') }));
      expectObservable(result).toBe('#', undefined, 'early');
      expectSubscriptions(inputs.subscriptions).toBe([]);
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

  // A task submission: `admittedOnce(create)` stands for CreateTask, `watch` for following
  // the created task to its end (as `runTask` does).
  it('a submission frees its slot once created: the next create starts while earlier tasks are watched', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abc)|');
      const creates = { a: cold('--(a|)'), b: cold('--(b|)'), c: cold('--(c|)') };
      const watches = { a: cold('------(A|)'), b: cold('--(B|)'), c: cold('-(C|)') };
      const result = inputs.pipe(
        runAll(
          (input: string) => {
            const key = input as keyof typeof creates;
            return admittedOnce(creates[key]).pipe(switchMap(() => watches[key]));
          },
          { concurrency: 2 },
        ),
      );
      // a and b are created at 2, which admits c (created at 4); results in input order.
      expectObservable(result).toBe('--------(ABC|)');
      expectSubscriptions(creates.a.subscriptions).toBe('^-!');
      expectSubscriptions(creates.b.subscriptions).toBe('^-!');
      expectSubscriptions(creates.c.subscriptions).toBe('--^-!');
      expectSubscriptions(watches.a.subscriptions).toBe('--^-----!');
      expectSubscriptions(watches.b.subscriptions).toBe('--^-!');
      expectSubscriptions(watches.c.subscriptions).toBe('----^!');
    });
  });

  it('ordered: false emits each submission result as its task ends, creates bounded by concurrency', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abc)|');
      const create = cold('-(x|)');
      const watches = { a: cold('-----(A|)'), b: cold('-(B|)'), c: cold('-(C|)') };
      const result = inputs.pipe(
        runAll((input: string) => admittedOnce(create).pipe(switchMap(() => watches[input as keyof typeof watches])), {
          concurrency: 1,
          ordered: false,
        }),
      );
      // One create at a time: a created at 1, b at 2, c at 3; each then watched at once.
      expectObservable(result).toBe('---BC-(A|)');
      expectSubscriptions(create.subscriptions).toBe(['^!', '-^!', '--^!']);
      expectSubscriptions(watches.a.subscriptions).toBe('-^----!');
      expectSubscriptions(watches.b.subscriptions).toBe('--^!');
      expectSubscriptions(watches.c.subscriptions).toBe('---^!');
    });
  });

  it('is recognised behind operators and defer; a create after an asynchronous start holds the slot to the end', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abc)|');
      const create = cold('-(x|)');
      const watch = cold('---(W|)');
      const submit = () => admittedOnce(create).pipe(switchMap(() => watch));
      const projections: Record<string, () => Observable<string>> = {
        a: () => defer(submit).pipe(map((w) => `${w}a`)),
        b: () => concat(cold('-|'), submit()).pipe(map((w) => `${w}b`)),
        c: () => submit().pipe(map((w) => `${w}c`)),
      };
      const result = inputs.pipe(runAll((input: string) => projections[input]!(), { concurrency: 1 }));
      // a is admitted at 1 (behind defer and map), which starts b; b creates only after a
      // `-|`, so it is not recognised and keeps the slot until it ends (6): only then c starts.
      expectObservable(result).toBe('----x-y---(z|)', { x: 'Wa', y: 'Wb', z: 'Wc' });
      expectSubscriptions(create.subscriptions).toBe(['^!', '--^!', '------^!']);
      expectSubscriptions(watch.subscriptions).toBe(['-^--!', '---^--!', '-------^--!']);
    });
  });

  it('unsubscribing the output cancels pending creates and running watches, and admits nothing more', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abc)|');
      const creates = { a: cold('-(a|)'), b: cold('----(b|)'), c: cold('-(c|)') };
      const watch = cold('------(W|)');
      const result = inputs.pipe(
        runAll((input: string) => admittedOnce(creates[input as keyof typeof creates]).pipe(switchMap(() => watch)), {
          concurrency: 2,
        }),
      );
      expectObservable(result, '^--!').toBe('---');
      expectSubscriptions(inputs.subscriptions).toBe('^--!');
      expectSubscriptions(creates.a.subscriptions).toBe('^!');
      expectSubscriptions(creates.b.subscriptions).toBe('^--!');
      // a created at 1 admits c (created at 2); b's create is still pending at 3.
      expectSubscriptions(creates.c.subscriptions).toBe('-^!');
      expectSubscriptions(watch.subscriptions).toBe(['-^-!', '--^!']);
    });
  });

  it('a failed create errors the output and cancels every other submission', () => {
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const inputs = hot('(abc)|');
      const creates = { a: cold('-(a|)'), b: cold('--#', undefined, new Error('create failed')), c: cold('-(c|)') };
      const watch = cold('------(W|)');
      const result = inputs.pipe(
        runAll((input: string) => admittedOnce(creates[input as keyof typeof creates]).pipe(switchMap(() => watch)), {
          concurrency: 2,
        }),
      );
      expectObservable(result).toBe('--#', undefined, new Error('create failed'));
      expectSubscriptions(creates.b.subscriptions).toBe('^-!');
      expectSubscriptions(creates.c.subscriptions).toBe('-^!');
      // b's error (2) comes before c's create answer in the same frame: c is never watched.
      expectSubscriptions(watch.subscriptions).toBe('-^!');
    });
  });

  it('admittedOnce outside runAll is its source as is', () => {
    marbleScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const create = cold('-a-b|');
      expectObservable(admittedOnce(create)).toBe('-a-b|');
      expectSubscriptions(create.subscriptions).toBe('^---!');
    });
  });

  it('a submission that emits synchronously frees its slot at once (no recursion over many inputs)', async () => {
    const { range, lastValueFrom, of, toArray } = await import('rxjs');
    const values = await lastValueFrom(
      range(0, 20_000).pipe(
        runAll((n) => admittedOnce(of(n)).pipe(switchMap((x) => of(x * 2))), { concurrency: 2 }),
        toArray(),
      ),
    );
    expect(values).toHaveLength(20_000);
    expect(values[19_999]).toBe(39_998);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    for (const concurrency of [0, -1, 1.5, Number.NaN]) {
      expect(() => runAll(() => [], { concurrency })).toThrow(InvalidOptionsError);
    }
    expect(() => runAll(() => [], { concurrency: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});
