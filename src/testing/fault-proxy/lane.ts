import type { Socket } from 'node:net';

/** The faults one direction of a proxied connection applies, read at every chunk. */
export interface LaneFaults {
  /** Added latency per chunk, ms. */
  readonly delayMs: number;
  /** Bytes per second, or undefined for no limit. */
  readonly bytesPerSecond: number | undefined;
}

/**
 * One direction of a proxied connection (client → server or back): forwards chunks in
 * order, after the configured delay and within the throttle, drops them while stalled,
 * and reports the bytes it forwards (the cut-after-N fault counts them). Backpressure:
 * the source is paused while the sink's buffer is full or chunks are waiting.
 */
export class Lane {
  #queue: { chunk: Buffer; at: number }[] = [];
  #timer: NodeJS.Timeout | undefined = undefined;
  /** When the throttle lets the next byte go. */
  #nextFree = 0;
  #stalled = false;
  #closed = false;

  constructor(
    private readonly source: Socket,
    private readonly sink: Socket,
    private readonly faults: () => LaneFaults,
    /** Called with each chunk about to be written; returns how many of its bytes may go (the rest is cut). */
    private readonly admit: (bytes: number) => number,
    /** Called once a forwarded chunk has been handed to the network. */
    private readonly written: () => void,
  ) {
    source.on('data', (chunk: Buffer) => this.push(chunk));
    sink.on('drain', () => this.#pump());
  }

  /** Stops forwarding for good (half-open): what arrives is dropped, nothing is closed. */
  stall(): void {
    this.#stalled = true;
    this.#queue = [];
    this.#clearTimer();
    this.source.resume();
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#clearTimer();
  }

  push(chunk: Buffer): void {
    if (this.#stalled || this.#closed) return;
    const { delayMs, bytesPerSecond } = this.faults();
    const at = Date.now() + delayMs;
    // Throttled: slices of at most 50 ms worth of bytes, so a big chunk is paced too.
    const slice = bytesPerSecond === undefined ? chunk.length : Math.max(1, Math.floor(bytesPerSecond / 20));
    for (let offset = 0; offset < chunk.length; offset += slice) {
      this.#queue.push({ chunk: chunk.subarray(offset, offset + slice), at });
    }
    this.#pump();
  }

  #pump(): void {
    this.#clearTimer();
    while (this.#queue.length > 0 && !this.#closed && !this.#stalled) {
      const head = this.#queue[0]!;
      const now = Date.now();
      const { bytesPerSecond } = this.faults();
      const due = Math.max(head.at, bytesPerSecond === undefined ? 0 : this.#nextFree);
      if (due > now) {
        this.#timer = setTimeout(() => this.#pump(), due - now);
        break;
      }
      if (this.sink.writableNeedDrain) break;
      this.#queue.shift();
      const allowed = this.admit(head.chunk.length);
      if (bytesPerSecond !== undefined) this.#nextFree = Math.max(now, this.#nextFree) + (allowed / bytesPerSecond) * 1000;
      if (allowed > 0 && !this.sink.destroyed) {
        this.sink.write(allowed < head.chunk.length ? head.chunk.subarray(0, allowed) : head.chunk, this.written);
      } else {
        this.written();
      }
    }
    if (this.#queue.length > 0 && !this.#stalled) this.source.pause();
    else if (!this.#closed) this.source.resume();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
