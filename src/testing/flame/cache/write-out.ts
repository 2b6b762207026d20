// Writes server-stream messages honouring grpc-js backpressure, stopping when the client
// cancels.
import type * as grpc from '@grpc/grpc-js';
import { endedByReset } from './request-end.js';

/** Writes every message (awaiting 'drain'); resolves false when the call was cancelled. */
export async function writeAll<T>(call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>, messages: Iterable<T>): Promise<boolean> {
  for (const message of messages) {
    if (call.cancelled) return false;
    if (!call.write(message)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          call.off('cancelled', done);
          resolve();
        };
        call.on('drain', done);
        call.on('cancelled', done);
      });
    }
  }
  return !call.cancelled;
}

/** How long a request stream's end waits, at least, for a cancel that may follow it. */
const CANCEL_GRACE_MS = 10;
/**
 * How many turns of the event loop, at least, it waits: each one reads the sockets. A
 * client in the same process has its reset read two turns after its end
 * (test/flame/cache/request-end.test.ts).
 */
export const CANCEL_GRACE_TURNS = 8;

/**
 * Resolves true when the call turns out cancelled. A client that cancels sends an end and
 * then a reset (request-end.ts), so a write stream's end is trusted only once both a short
 * time and a few turns of the event loop have passed with no reset read: a process that
 * was paused wakes to its expired timers before it reads its sockets, so time alone would
 * trust an end whose reset is already waiting. The real servers see a reset as an error
 * and store nothing, and so does the emulator.
 */
export function settledAfterEnd(call: { cancelled: boolean; once(event: 'cancelled', listener: () => void): unknown }): Promise<boolean> {
  const cancelled = () => call.cancelled || endedByReset(call) === true;
  if (cancelled()) return Promise.resolve(true);
  return new Promise((resolve) => {
    let turns = 0;
    let graceOver = false;
    let settled = false;
    const finish = (value: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const check = () => {
      if (cancelled()) finish(true);
      else if (graceOver && turns >= CANCEL_GRACE_TURNS) finish(false);
    };
    const timer = setTimeout(() => {
      graceOver = true;
      check();
    }, CANCEL_GRACE_MS);
    const turn = () => {
      turns++;
      check();
      if (!settled && turns < CANCEL_GRACE_TURNS) setImmediate(turn);
    };
    setImmediate(turn);
    call.once('cancelled', () => finish(true));
  });
}
