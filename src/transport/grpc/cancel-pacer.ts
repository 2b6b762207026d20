/**
 * How fast stream cancellations (HTTP/2 RST_STREAM frames) may go out on one channel: a
 * burst, then a steady rate. HTTP/2 servers defend against "rapid reset" floods by closing
 * the connection of a client that resets too many streams too fast (nghttp2, under Node's
 * http2 and so under the emulator: a burst of 1000, then 33 per second; the real session
 * manager closed the connection at 1,200 resets at once and not at 800). Cancellations
 * beyond the budget wait in order; a stream that ends by itself meanwhile needs none.
 */
export interface CancelPacing {
  /** Cancellations sent at once before pacing starts. Default 500. */
  readonly burst: number;
  /** Cancellations per second after the burst. Default 25. */
  readonly perSecond: number;
}

/**
 * A pacing of half the burst and three quarters of the rate nghttp2 documents; opt in
 * with `cancelPacing: DEFAULT_CANCEL_PACING` (channels do not pace by default).
 *
 * @example
 * ```ts
 * import { FlameClient, DEFAULT_CANCEL_PACING } from 'flame-pie-rx/flame';
 * FlameClient.connect({ cancelPacing: DEFAULT_CANCEL_PACING });
 * ```
 */
export const DEFAULT_CANCEL_PACING: CancelPacing = Object.freeze({ burst: 500, perSecond: 25 });

/** Something whose cancellation can be paced: `cancel()` sends the reset (or does nothing if it ended). */
export interface PacedCancel {
  cancelNow(): void;
}

/**
 * A token bucket of stream cancellations for one channel. `cancel` runs at once while the
 * bucket has tokens and queues otherwise; queued ones run as tokens come back, on an
 * unref'd timer (a pending cancellation never keeps Node alive). `flush` runs every queued
 * one at once (the channel is closing: the connection goes away anyway).
 *
 * @example
 * ```ts
 * import { CancelPacer } from 'flame-pie-rx/flame';
 * const pacer = new CancelPacer({ burst: 2, perSecond: 10 });
 * for (const call of calls) pacer.cancel(call); // the first two at once, then one every 100 ms
 * ```
 */
export class CancelPacer {
  #tokens: number;
  #refilledAt = Date.now();
  readonly #queue: PacedCancel[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(private readonly pacing: CancelPacing = DEFAULT_CANCEL_PACING) {
    if (!(pacing.burst >= 1) || !(pacing.perSecond > 0)) throw new RangeError('cancel pacing needs burst >= 1 and perSecond > 0');
    this.#tokens = pacing.burst;
  }

  /** Cancellations waiting for a token. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  cancel(call: PacedCancel): void {
    this.#refill();
    if (this.queued === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      call.cancelNow();
      return;
    }
    this.#queue.push(call);
    this.#arm();
  }

  flush(): void {
    this.#clearTimer();
    while (this.queued > 0) this.#take().cancelNow();
  }

  #take(): PacedCancel {
    const call = this.#queue[this.#head]!;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return call;
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.pacing.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.pacing.perSecond);
    this.#refilledAt = now;
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.#tokens) / this.pacing.perSecond) * 1000));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#refill();
      while (this.queued > 0 && this.#tokens >= 1) {
        this.#tokens -= 1;
        this.#take().cancelNow();
      }
      if (this.queued > 0) this.#arm();
    }, waitMs);
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
