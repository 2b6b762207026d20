import { Observable, type SchedulerLike, type Subscription, type Unsubscribable } from 'rxjs';
import type { Task } from '../../model/flame/types.js';
import { type BackoffPolicy, backoffDelay } from '../../transport/backoff.js';
import { type ShouldRetry, retryTransient } from '../../transport/should-retry.js';
import type { FlameClientContext } from './context.js';
import { createLedger } from './create-ledger.js';
import { taskSnapshot } from './task-snapshot.js';
import { type CreateTaskOptions, createTask } from './tasks.js';

/** Options of `createTaskOnce`; each has a default from the client. */
export interface CreateTaskOnceOptions {
  /** Options of each CreateTask call (and, on 0.7, the task's affinity). */
  readonly call?: CreateTaskOptions;
  /** Delays before a reconciliation or a new attempt. Default: the client's `backoff`. */
  readonly policy?: BackoffPolicy;
  /** Where the delays run. Default: the client's scheduler. */
  readonly scheduler?: SchedulerLike;
  /** Random source for jitter, [0, 1). */
  readonly random?: () => number;
  /** Which errors leave the outcome unknown and are reconciled. Default: `retryable` ones (UNAVAILABLE). */
  readonly shouldRetry?: ShouldRetry;
}

/**
 * CreateTask that survives a dropped connection without creating the task twice: emits
 * the one task created for this input, then completes.
 *
 * A CreateTask that fails with a retryable error (the connection dropped: the server may
 * or may not have created the task) is not sent again blindly. After the policy's delay
 * the session's tasks are read (ListTask, shared by every attempt waiting at the same
 * time), and the attempt takes the lowest-numbered task with the same input that was
 * created after the attempt was sent (its id is above every id this client had seen by
 * then) and that no other attempt of this client holds. Only when there is none is the
 * CreateTask sent again. Flame has no idempotency key and a task carries no field a
 * client could mark it with (spec 2.4: `Metadata.name` is overwritten, the spec has only
 * `session_id`, `input`, `output`), so the input bytes are the marker: the guarantee and
 * its limits are in docs/reliability.md. Errors that say the task was not created
 * (unknown or closed session) error at once.
 *
 * @example
 * ```ts
 * import { createTaskOnce } from 'flame-pie-rx/flame';
 * createTaskOnce(client, session.id, new TextEncoder().encode('x')).subscribe((task) => console.log(task.id));
 * ```
 */
export function createTaskOnce(
  context: FlameClientContext,
  sessionId: string,
  input: Uint8Array | undefined,
  options: CreateTaskOnceOptions = {},
): Observable<Task> {
  return new Observable<Task>((subscriber) => {
    const ledger = createLedger(context.channel, sessionId);
    const policy = options.policy ?? context.backoff;
    const scheduler = options.scheduler ?? context.scheduler;
    const shouldRetry = options.shouldRetry ?? retryTransient;
    let attempt = 0;
    let current: Unsubscribable | undefined;
    let resolved = false;
    /** The floor of the latest send, held in the ledger until the attempt settles. */
    let heldFloor: bigint | undefined;
    ledger.unresolved += 1;

    const resolve = (): void => {
      if (resolved) return;
      resolved = true;
      if (heldFloor !== undefined) ledger.closeFloor(heldFloor);
      ledger.end();
    };
    const deliver = (task: Task): void => {
      resolve();
      subscriber.next(task);
      subscriber.complete();
    };
    const fail = (error: unknown): void => {
      resolve();
      subscriber.error(error);
    };
    const later = (error: unknown, then: () => void): void => {
      attempt += 1;
      const delayMs = shouldRetry(error, attempt) ? backoffDelay(policy, attempt, options.random) : undefined;
      if (delayMs === undefined) fail(error);
      else current = scheduler.schedule(then, delayMs);
    };

    const send = (): void => {
      const floor = ledger.openFloor();
      if (heldFloor !== undefined) ledger.closeFloor(heldFloor);
      heldFloor = floor;
      track(createTask(context, sessionId, input, options.call).subscribe({
        next: (task) => {
          // Another attempt matched this task while its reply was on the way: both hold
          // the same input, so this attempt looks for the other's task (or creates anew).
          if (ledger.claimed.has(task.id)) reconcile(floor);
          else {
            ledger.claim(task.id);
            deliver(task);
          }
        },
        error: (error: unknown) => later(error, () => reconcile(floor)),
      }));
    };

    const reconcile = (floor: bigint): void => {
      track(taskSnapshot(context, sessionId, ledger).subscribe({
        next: (snapshot) => {
          const found = ledger.match(snapshot, floor, input);
          if (found) deliver(found);
          else send();
        },
        error: (error: unknown) => later(error, () => reconcile(floor)),
      }));
    };
    // A call that ended synchronously has already set up what follows it.
    const track = (subscription: Subscription): void => {
      if (!subscription.closed) current = subscription;
    };

    send();
    return () => {
      current?.unsubscribe();
      resolve();
    };
  });
}
