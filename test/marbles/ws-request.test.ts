import { decode } from '@msgpack/msgpack';
import { Observable, switchMap, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PieTimeoutError } from '../../src/model/pie/errors.js';
import { FrameSink, PieResponse, RequestTable, exchange, requestTimeout } from '../../src/transport/ws/index.js';

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const pong = (corr_id: number): PieResponse => ({ type: 'response', corr_id, ok: true, result: 'Pong' });

/** A sink that records what was sent and when (virtual time). */
function recordingSink(scheduler: TestScheduler): FrameSink & { sent: { at: number; message: Record<string, unknown> }[] } {
  const sent: { at: number; message: Record<string, unknown> }[] = [];
  return { sent, bufferedAmount: 0, send: (frame) => sent.push({ at: scheduler.now(), message: decode(frame) as Record<string, unknown> }) };
}

/** The connection's request pipeline in miniature: wait for ready, exchange, time out. */
function pingWhenReady(ready: Observable<string>, table: RequestTable, sink: FrameSink, timeoutMs: number, scheduler: TestScheduler): Observable<PieResponse> {
  return ready.pipe(
    take(1),
    switchMap(() => exchange({ table, sink, messages: [{ type: 'ping' }] })),
    requestTimeout(timeoutMs, 'ping', scheduler),
  );
}

describe('request exchange, timeout and cancellation (virtual time)', () => {
  it('waits for ready, sends once, and completes with the matching response', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const table = new RequestTable();
      const sink = recordingSink(scheduler);
      const ready = cold('---s');
      scheduler.schedule(() => table.settle(pong(1)), 8);
      expectObservable(pingWhenReady(ready, table, sink, 20, scheduler)).toBe('8ms (r|)', { r: pong(1) });
      expectSubscriptions(ready.subscriptions).toBe('^--!');
    });
  });

  it('times out at exactly timeoutMs (including the wait for ready), forgets the id and drops the late reply', () => {
    const scheduler = newScheduler();
    const late: boolean[] = [];
    const table = new RequestTable();
    let sink: ReturnType<typeof recordingSink> | undefined;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      sink = recordingSink(scheduler);
      const ready = cold('15ms s');
      scheduler.schedule(() => late.push(table.settle(pong(1))), 25);
      expectObservable(pingWhenReady(ready, table, sink, 20, scheduler)).toBe('20ms #', undefined, new PieTimeoutError({ request: 'ping', timeoutMs: 20 }));
      expectSubscriptions(ready.subscriptions).toBe('^ 14ms !');
    });
    expect(sink!.sent).toEqual([{ at: 15, message: { type: 'ping', corr_id: 1 } }]);
    expect(late).toEqual([false]);
    expect(table.size).toBe(0);
  });

  it('times out while still waiting for ready without sending anything', () => {
    const scheduler = newScheduler();
    let sink: ReturnType<typeof recordingSink> | undefined;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      sink = recordingSink(scheduler);
      const ready = cold('50ms s');
      expectObservable(pingWhenReady(ready, new RequestTable(), sink, 20, scheduler)).toBe('20ms #', undefined, new PieTimeoutError({ request: 'ping', timeoutMs: 20 }));
      expectSubscriptions(ready.subscriptions).toBe('^ 19ms !');
    });
    expect(sink!.sent).toEqual([]);
  });

  it('frees the id on unsubscribe: the late reply is dropped and the next request gets a new id', () => {
    const scheduler = newScheduler();
    const late: boolean[] = [];
    const table = new RequestTable();
    let sink: ReturnType<typeof recordingSink> | undefined;
    scheduler.run(({ cold, expectObservable }) => {
      sink = recordingSink(scheduler);
      const ready = cold('s');
      scheduler.schedule(() => late.push(table.settle(pong(1))), 15);
      expectObservable(pingWhenReady(ready, table, sink, 100, scheduler), '^ 9ms !').toBe('-');
      // a second request after the cancellation, answered with the stale id first, then its own
      scheduler.schedule(() => {
        pingWhenReady(cold('s'), table, sink!, 100, scheduler).subscribe((r) => late.push(r.corr_id === 2));
      }, 12);
      scheduler.schedule(() => late.push(table.settle(pong(2))), 20);
    });
    expect(table.size).toBe(0);
    expect(late).toEqual([false, true, true]);
    expect(sink!.sent.map((s) => [s.at, s.message['corr_id']])).toEqual([
      [0, 1],
      [12, 2],
    ]);
  });

  it('ends at the first response for a multi-frame request, and a second response for that id is dropped', () => {
    const scheduler = newScheduler();
    const extra: boolean[] = [];
    scheduler.run(({ expectObservable }) => {
      const table = new RequestTable();
      const sink = recordingSink(scheduler);
      const failed: PieResponse = { type: 'response', corr_id: 1, ok: false, result: 'Out-of-order chunk: expected 1, got 0' };
      scheduler.schedule(() => table.settle(failed), 3);
      scheduler.schedule(() => extra.push(table.settle({ ...failed, result: 'First chunk index must be 0' })), 4);
      const frames = [0, 1].map((i) => ({ type: 'add_program' as const, program_hash: 'h', manifest: 'm', force_overwrite: false, chunk_index: i, total_chunks: 2, chunk_data: new Uint8Array() }));
      expectObservable(exchange({ table, sink, messages: frames })).toBe('3ms (r|)', { r: failed });
    });
    expect(extra).toEqual([false]);
  });
});
