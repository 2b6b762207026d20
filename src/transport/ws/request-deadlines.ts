import { type SchedulerLike, asyncScheduler } from 'rxjs';

/** A started deadline; `unsubscribe()` cancels it (idempotent). */
export interface Deadline {
  unsubscribe(): void;
}

type TimerHandle = ReturnType<typeof setTimeout> & { ref?(): unknown; unref?(): unknown };

class SweptDeadline implements Deadline {
  active = true;

  constructor(
    private readonly release: (deadline: SweptDeadline) => void,
    readonly at: number,
    readonly onExpire: () => void,
  ) {}

  unsubscribe(): void {
    if (!this.active) return;
    this.active = false;
    this.release(this);
  }
}

/**
 * Request timeouts of one connection. With an injected scheduler (virtual time in tests)
 * every deadline is its own `scheduler.schedule(…, delayMs)`, so it fires at exactly that
 * frame. With the default `asyncScheduler`, all deadlines share ONE platform timer armed for
 * the earliest of them: starting and cancelling a deadline is a set insertion and removal
 * instead of a timer per request. That timer does not keep Node alive while no deadline is
 * pending. A deadline fires once the clock (`Date.now()`) has reached it, never earlier.
 *
 * @example
 * ```ts
 * import { RequestDeadlines } from './request-deadlines.js'; // internal to the transport
 * const deadlines = new RequestDeadlines();
 * const deadline = deadlines.start(5_000, () => console.log('timed out'));
 * deadline.unsubscribe(); // answered in time: nothing is logged
 * ```
 */
export class RequestDeadlines {
  private readonly pending = new Set<SweptDeadline>();
  private timer: TimerHandle | undefined;
  /** When the shared timer fires (Infinity when unarmed). */
  private armedAt = Infinity;
  private timerRefed = false;

  constructor(private readonly scheduler: SchedulerLike = asyncScheduler) {}

  /** Calls `onExpire` once `delayMs` have passed, unless the returned deadline is cancelled first. */
  start(delayMs: number, onExpire: () => void): Deadline {
    if (this.scheduler !== asyncScheduler) return this.scheduler.schedule(onExpire, delayMs);
    const deadline = new SweptDeadline(this.remove, Date.now() + delayMs, onExpire);
    this.pending.add(deadline);
    if (deadline.at < this.armedAt) this.arm(deadline.at);
    else if (!this.timerRefed) this.setRefed(true);
    return deadline;
  }

  /** Cancels every pending deadline and the shared timer. */
  dispose(): void {
    for (const deadline of this.pending) deadline.active = false;
    this.pending.clear();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
    this.timerRefed = false;
  }

  /** Called by a cancelled deadline. */
  private readonly remove = (deadline: SweptDeadline): void => {
    this.pending.delete(deadline);
    // The timer stays armed (re-arming costs more than one idle wake-up), but no longer
    // holds the process open.
    if (this.pending.size === 0 && this.timerRefed) this.setRefed(false);
  };

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(this.sweep, Math.max(0, at - Date.now())) as TimerHandle;
    this.timerRefed = true;
  }

  private setRefed(refed: boolean): void {
    this.timerRefed = refed;
    if (refed) this.timer?.ref?.();
    else this.timer?.unref?.();
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    this.armedAt = Infinity;
    this.timerRefed = false;
    const now = Date.now();
    const expired: SweptDeadline[] = [];
    let next = Infinity;
    for (const deadline of this.pending) {
      if (deadline.at <= now) expired.push(deadline);
      else if (deadline.at < next) next = deadline.at;
    }
    for (const deadline of expired) this.pending.delete(deadline);
    if (next !== Infinity) this.arm(next);
    for (const deadline of expired) {
      // An earlier callback may have cancelled this one.
      if (!deadline.active) continue;
      deadline.active = false;
      deadline.onExpire();
    }
  };
}
