// One emulated process (protocol reference 4.1–4.7): identity, owner, its single attached
// connection, the 4096-event ring used while unattached, the signal FIFO and the file waiter.
import type { ConnectionActor } from './connection-actor.js';
import { InferletInterruptedError } from './errors.js';
import { processEventFrame, type ProcessEventFrame } from './server-frames.js';

/** Event names of `process_event`. */
export type ProcessEventName = ProcessEventFrame['event'];

/** How a disconnect affects attached processes and workflows (see `PieEmulatorOptions`). */
export type DetachMode = 'designed' | 'upstream';

/** What a 0.6 launch attaches besides the input (empty in other generations). */
export interface LaunchExtras {
  props: Readonly<Record<string, unknown>>;
  session: string | undefined;
  files: ReadonlyMap<string, Uint8Array>;
}

/** The terminal outcome of a process. */
export type ProcessOutcome = { ok: true; value: string } | { ok: false; value: string };

/**
 * Capacity of the per-process event ring used while nobody is attached.
 *
 * @example
 * ```ts
 * PROCESS_RING_CAPACITY; // => 4096 (older events are evicted first)
 * ```
 */
export const PROCESS_RING_CAPACITY = 4096;

/**
 * A live process of the emulated engine.
 *
 * @example
 * ```ts
 * const proc = new EmulatedProcess({ id, owner: 'alice', program: 'echo@1.0.0', input: '{}', capture: true, detachMode: 'designed', onFinished: () => {} });
 * proc.emit('stdout', 'hi');
 * ```
 */
export class EmulatedProcess {
  readonly id: string;
  readonly owner: string;
  readonly program: string;
  readonly input: string;
  readonly capture: boolean;
  /** 0.6 launch props, session and files. */
  readonly launch: LaunchExtras;
  /** Whether `file` frames of this process carry a `name` (gateway generations). */
  readonly fileNames: boolean;
  readonly createdAt = Date.now();
  readonly abort = new AbortController();
  /** Resolves with the terminal outcome (for `run_processes` and workflows). */
  readonly outcome: Promise<ProcessOutcome>;
  /** Extra receivers of every delivered-or-buffered event (workflow forwarding). */
  readonly observers: ((frame: ProcessEventFrame) => void)[] = [];
  attached: ConnectionActor | undefined;
  finished = false;
  private readonly ring: ProcessEventFrame[] = [];
  private readonly signals: string[] = [];
  private signalWaiters: { resolve(text: string): void; reject(error: Error): void }[] = [];
  private fileWaiter: { resolve(bytes: Uint8Array): void; reject(error: Error): void } | undefined;
  private resolveOutcome!: (outcome: ProcessOutcome) => void;
  private readonly detachMode: DetachMode;
  private readonly onFinished: (process: EmulatedProcess) => void;

  constructor(init: {
    id: string;
    owner: string;
    program: string;
    input: string;
    capture: boolean;
    detachMode: DetachMode;
    onFinished(process: EmulatedProcess): void;
    launch?: LaunchExtras;
    fileNames?: boolean;
  }) {
    this.launch = init.launch ?? { props: {}, session: undefined, files: new Map() };
    this.fileNames = init.fileNames ?? false;
    this.id = init.id;
    this.owner = init.owner;
    this.program = init.program;
    this.input = init.input;
    this.capture = init.capture;
    this.detachMode = init.detachMode;
    this.onFinished = init.onFinished;
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
  }

  /**
   * The connection events go to now, or undefined. In `designed` mode a closed connection
   * counts as no connection (the process detaches); in `upstream` mode it stays attached and
   * swallows everything.
   */
  deliveryTarget(): ConnectionActor | undefined {
    if (this.attached && !this.attached.writable && this.detachMode === 'designed') this.detach(true);
    return this.attached;
  }

  /** Whether a new `attach_process` must be refused as "already attached". */
  isAttached(): boolean {
    return this.deliveryTarget() !== undefined;
  }

  /** Binds the process to `actor` and returns the buffered events to replay (ring emptied). */
  attach(actor: ConnectionActor): ProcessEventFrame[] {
    this.attached = actor;
    actor.attachedProcesses.add(this.id);
    return this.ring.splice(0, this.ring.length);
  }

  /**
   * Unbinds the process from its connection; later events are buffered (when captured).
   * `rebuffer` (the connection is closing, `designed` mode, spec 4.7): the events still
   * queued for it are buffered too, first, instead of being lost with the socket.
   */
  detach(rebuffer = false): void {
    const from = this.attached;
    from?.attachedProcesses.delete(this.id);
    this.attached = undefined;
    if (!rebuffer || !from) return;
    for (const frame of from.takeQueuedFrames(this.id)) this.rebuffer(frame as ProcessEventFrame);
  }

  /**
   * Buffers an event frame that could not be written to a closing connection (`designed`
   * mode only; `message` events are never buffered, spec 4.7), unless the process is
   * attached again meanwhile, in which case it goes there.
   */
  rebuffer(frame: ProcessEventFrame): void {
    if (this.detachMode !== 'designed') return;
    const target = this.deliveryTarget();
    if (target) {
      target.enqueueFrame(frame);
      return;
    }
    if (!this.capture || frame.event === 'message') return;
    this.ring.push(frame);
    if (this.ring.length > PROCESS_RING_CAPACITY) this.ring.shift();
  }

  /**
   * Produces one event: stdout/stderr of an uncaptured process are discarded at the source;
   * otherwise the event goes to the attached connection, or into the ring (captured
   * processes only; `message` never buffered). A terminal event finishes the process.
   */
  emit(event: ProcessEventName, value: string): void {
    if (this.finished) return;
    if ((event === 'stdout' || event === 'stderr') && !this.capture) return;
    const frame = processEventFrame(this.id, event, value);
    for (const observer of this.observers) observer(frame);
    const target = this.deliveryTarget();
    if (target) {
      target.enqueueFrame(frame);
    } else if (this.capture && event !== 'message') {
      this.ring.push(frame);
      if (this.ring.length > PROCESS_RING_CAPACITY) this.ring.shift();
    }
    if (event === 'return' || event === 'error') this.finish({ ok: event === 'return', value });
  }

  private finish(outcome: ProcessOutcome): void {
    this.finished = true;
    const interrupted = new InferletInterruptedError(`process ${this.id} has ended`);
    for (const waiter of this.signalWaiters) waiter.reject(interrupted);
    this.signalWaiters = [];
    this.fileWaiter?.reject(interrupted);
    this.fileWaiter = undefined;
    this.onFinished(this);
    this.resolveOutcome(outcome);
  }

  /** Ends the process with an `error` event carrying `reason` and aborts its code. */
  terminate(reason: string): void {
    if (this.finished) return;
    this.emit('error', reason);
    this.abort.abort(new InferletInterruptedError(`process ${this.id} was terminated: ${reason}`));
  }

  /** Queues a signal message (FIFO; kept forever if never read). */
  pushSignal(message: string): void {
    const waiter = this.signalWaiters.shift();
    if (waiter) waiter.resolve(message);
    else this.signals.push(message);
  }

  /** The next signal message, waiting for one if the queue is empty. */
  nextSignal(): Promise<string> {
    if (this.finished) return Promise.reject(new InferletInterruptedError(`process ${this.id} has ended`));
    const queued = this.signals.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => this.signalWaiters.push({ resolve, reject }));
  }

  /** Waits for the next client file; a newer wait replaces (and rejects) an older one. */
  waitForFile(): Promise<Uint8Array> {
    if (this.finished) return Promise.reject(new InferletInterruptedError(`process ${this.id} has ended`));
    this.fileWaiter?.reject(new InferletInterruptedError('file wait replaced by a newer one'));
    return new Promise((resolve, reject) => (this.fileWaiter = { resolve, reject }));
  }

  /** Hands a verified client file to the waiting inferlet; dropped when nobody waits. */
  deliverFile(bytes: Uint8Array): void {
    const waiter = this.fileWaiter;
    this.fileWaiter = undefined;
    waiter?.resolve(bytes);
  }
}
