import { BehaviorSubject, Observable, type Subscriber } from 'rxjs';
import { PieProcessLostError } from '../../../model/pie/errors.js';
import { type ProcessEvent, type ProcessTerminalEvent, isTerminalEvent } from '../../../model/pie/events.js';
import { emitUntilTerminal } from './end-at-terminal-event.js';

/** What happens at the engine when the last subscriber of a running process's events leaves. */
export type ReleasePolicy = 'detach' | 'terminate';

/** Options of one process route. */
export interface ProcessRouteOptions {
  /** Connection session (1, 2, …) on which the process is attached. */
  readonly session: number;
  readonly releasePolicy: ReleasePolicy;
  /** Events kept before the first subscriber arrives; beyond it the route fails. Default 10 000. */
  readonly maxPendingEvents?: number;
  /** Called once when the route ends (terminal event or failure). */
  readonly onEnd?: (route: ProcessRoute) => void;
  /** Called when the route is released before the process ended, with the policy to apply. */
  readonly onReleased?: (route: ProcessRoute, policy: ReleasePolicy) => void;
}

/**
 * The client-side end of one attached process: events are queued until `events$` is first
 * subscribed, then delivered live to every subscriber; the first terminal event ends the
 * route (later ones are ignored, spec 4.3) and is replayed to late subscribers, as is a
 * failure. Tracks which connection session the process is attached on, for reattachment.
 *
 * @example
 * ```ts
 * const route = new ProcessRoute('p1', { session: 1, releasePolicy: 'detach' });
 * route.deliver({ kind: 'stdout', processId: 'p1', text: 'hi' });
 * route.events$.subscribe(console.log); // logs the queued stdout event
 * ```
 */
export class ProcessRoute {
  /** The session the process is attached on; reattachment raises it. */
  readonly attachedSession$: BehaviorSubject<number>;
  private pending: ProcessEvent[] = [];
  private readonly subscribers = new Set<Subscriber<ProcessEvent>>();
  /** The subscriber while there is exactly one (the common case: no copy of the set per event). */
  private only: Subscriber<ProcessEvent> | undefined;
  private terminal?: ProcessTerminalEvent;
  private failure?: Error;
  private released = false;
  private readonly maxPending: number;

  constructor(
    readonly id: string,
    private readonly options: ProcessRouteOptions,
  ) {
    this.attachedSession$ = new BehaviorSubject(options.session);
    this.maxPending = options.maxPendingEvents ?? 10_000;
  }

  /**
   * Every event of the process from the start (queued ones first), ending at the terminal
   * event as `endAtTerminalEvent` does (through `emitUntilTerminal`, without an operator
   * between the route and its subscriber on every event).
   */
  readonly events$: Observable<ProcessEvent> = new Observable<ProcessEvent>((subscriber) => {
    const queued = this.pending;
    this.pending = [];
    for (const event of queued) if (!emitUntilTerminal(subscriber, event)) return undefined;
    if (this.failure) {
      subscriber.error(this.failure);
      return undefined;
    }
    if (this.terminal) {
      if (!queued.includes(this.terminal)) emitUntilTerminal(subscriber, this.terminal);
      return undefined;
    }
    if (this.released) {
      subscriber.complete();
      return undefined;
    }
    this.subscribers.add(subscriber);
    this.only = this.subscribers.size === 1 ? subscriber : undefined;
    return () => {
      if (!this.subscribers.delete(subscriber)) return;
      this.only = undefined;
      if (this.subscribers.size === 1) for (const remaining of this.subscribers) this.only = remaining;
    };
  });

  get releasePolicy(): ReleasePolicy {
    return this.options.releasePolicy;
  }

  /** Whether the process has ended for this client (terminal event seen, or failed). */
  get ended(): boolean {
    return this.terminal !== undefined || this.failure !== undefined;
  }

  /**
   * Whether this process is still followed (not ended, not released): it is reattached after
   * a reconnect, and its events are queued while nobody is subscribed.
   */
  get wanted(): boolean {
    return !this.ended && !this.released;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Events queued for the first subscriber of `events$` (the terminal one included). */
  get queuedCount(): number {
    return this.pending.length;
  }

  /** Hands one event to the subscribers (or the queue). Returns false once the route has ended. */
  deliver(event: ProcessEvent): boolean {
    if (this.ended) return false;
    if (isTerminalEvent(event)) this.terminal = event;
    if (this.subscribers.size === 0) {
      if (this.released) return false;
      if (this.pending.length >= this.maxPending && !this.terminal) {
        this.fail(
          new PieProcessLostError({
            processId: this.id,
            reason: `more than ${this.maxPending} events arrived before anyone subscribed to events$`,
          }),
        );
        return false;
      }
      this.pending.push(event);
    } else if (this.only !== undefined) {
      emitUntilTerminal(this.only, event);
    } else {
      for (const subscriber of [...this.subscribers]) emitUntilTerminal(subscriber, event);
    }
    if (this.terminal) this.finish();
    return true;
  }

  /**
   * Stops following the process before it ended: its further events are ignored, it is
   * not reattached, and `policy` (default: the route's own) says whether the engine is
   * asked to terminate it. Current subscribers simply stop receiving events.
   */
  release(policy: ReleasePolicy = this.options.releasePolicy): void {
    if (this.ended || this.released) return;
    this.released = true;
    this.pending = [];
    for (const subscriber of [...this.subscribers]) subscriber.complete();
    this.clearSubscribers();
    this.options.onReleased?.(this, policy);
  }

  /** Ends the route with an error (connection closed, reattach refused). */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    for (const subscriber of [...this.subscribers]) subscriber.error(error);
    this.clearSubscribers();
    this.finish();
  }

  private clearSubscribers(): void {
    this.subscribers.clear();
    this.only = undefined;
  }

  private finish(): true {
    this.clearSubscribers();
    this.options.onEnd?.(this);
    return true;
  }
}

