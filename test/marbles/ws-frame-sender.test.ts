import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { FrameSink, sendFrames } from '../../src/transport/ws/index.js';

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A socket stand-in whose queue grows by each frame's size and drains when the test says so. */
function queueingSink(scheduler: TestScheduler): FrameSink & { sentAt: number[]; drain(): void } {
  let queued = 0;
  const sentAt: number[] = [];
  return {
    sentAt,
    get bufferedAmount() {
      return queued;
    },
    send(frame) {
      queued += frame.length;
      sentAt.push(scheduler.now());
    },
    drain() {
      queued = 0;
    },
  };
}

describe('sendFrames backpressure (virtual time)', () => {
  it('stops above the high-water mark and resumes at the first poll after the socket drained', () => {
    const scheduler = newScheduler();
    const progress: number[] = [];
    let sink: ReturnType<typeof queueingSink> | undefined;
    scheduler.run(({ expectObservable }) => {
      sink = queueingSink(scheduler);
      const frames = Array.from({ length: 5 }, () => new Uint8Array(100));
      scheduler.schedule(() => sink!.drain(), 12);
      scheduler.schedule(() => sink!.drain(), 22);
      const sending = sendFrames(sink, frames, { highWaterMarkBytes: 150, pollMs: 5, scheduler, onFrameSent: (i) => progress.push(i) });
      // 0: frames 0,1 (200 queued > 150); polls at 5, 10 find it full; 15: drained -> frames 2,3; 20 full; 25: frame 4, done
      expectObservable(sending).toBe('25ms |');
    });
    expect(sink!.sentAt).toEqual([0, 0, 15, 15, 25]);
    expect(progress).toEqual([0, 1, 2, 3, 4]);
  });

  it('pulls frames lazily and stops pulling when unsubscribed', () => {
    const scheduler = newScheduler();
    const pulled: number[] = [];
    let finished = false;
    function* lazyFrames(): Generator<Uint8Array> {
      try {
        for (let i = 0; i < 10; i++) {
          pulled.push(i);
          yield new Uint8Array(100);
        }
      } finally {
        finished = true;
      }
    }
    scheduler.run(({ expectObservable }) => {
      const sink = queueingSink(scheduler);
      expectObservable(sendFrames(sink, lazyFrames(), { highWaterMarkBytes: 150, pollMs: 5, scheduler }), '^ 7ms !').toBe('-');
    });
    expect(pulled).toEqual([0, 1]);
    expect(finished).toBe(true);
  });

  it('errors when the socket refuses a frame', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const refusing: FrameSink = {
        bufferedAmount: 0,
        send: () => {
          throw new Error('InvalidStateError');
        },
      };
      expectObservable(sendFrames(refusing, [new Uint8Array(1)], { scheduler })).toBe('#', undefined, new Error('InvalidStateError'));
    });
  });
});
