/**
 * Holds inbound frames while paused and delivers them, in order, on resume. The connection
 * also pauses the socket itself where it can (`ws`), so the hold stays small; in browsers
 * it is the only mechanism (buffer-and-hold).
 *
 * @example
 * ```ts
 * import { InboundGate } from 'flame-pie-rx/pie';
 * const gate = new InboundGate<string>((frame) => console.log(frame));
 * gate.pause(); gate.push('a'); // nothing logged
 * gate.resume(); // logs 'a'
 * ```
 */
export class InboundGate<T> {
  private readonly held: T[] = [];
  private paused = false;
  private flushing = false;

  constructor(private readonly deliver: (frame: T) => void) {}

  /** Whether delivery is on hold. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Frames waiting for `resume()`. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Delivers a frame now, or holds it while paused (or while held frames are being flushed). */
  push(frame: T): void {
    if (this.paused || this.held.length > 0) this.held.push(frame);
    else this.deliver(frame);
  }

  /** Stops delivering. */
  pause(): void {
    this.paused = true;
  }

  /** Delivers the held frames in order (stopping if a consumer pauses again), then delivers directly. */
  resume(): void {
    this.paused = false;
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (!this.paused && this.held.length > 0) this.deliver(this.held.shift() as T);
    } finally {
      this.flushing = false;
    }
  }

  /** Drops held frames (the socket they came from is gone). */
  clear(): void {
    this.held.length = 0;
  }
}
