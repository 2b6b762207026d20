import { Observable, type SchedulerLike, Subscriber, type Subscription, type Unsubscribable } from 'rxjs';
import type { Task } from '../../model/flame/types.js';
import { type BackoffPolicy, backoffDelay } from '../../transport/backoff.js';
import { type ShouldRetry, retryTransient } from '../../transport/should-retry.js';
import type { FlameClientContext } from './context.js';
import { type SessionCreateLedger, type TaskNumber, createLedger } from './create-ledger.js';
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
  options: CreateTaskOnceOptions = NO_OPTIONS,
): Observable<Task> {
  return new Observable<Task>((subscriber) => new CreateOnce(context, sessionId, input, options, subscriber).start());
}

const NO_OPTIONS: CreateTaskOnceOptions = {};

/**
 * One subscription of `createTaskOnce`: its attempts, the floor it holds and its
 * teardown. One object whose methods live on the prototype, and each call reports to it
 * through a small subscriber (`Attempt`): every task of a `runAll` goes through it.
 */
class CreateOnce implements Unsubscribable {
  readonly #ledger: SessionCreateLedger;
  #attempt = 0;
  #current: Unsubscribable | undefined = undefined;
  #resolved = false;
  /** The floor of the latest send, held in the ledger until the attempt settles. */
  #heldFloor: TaskNumber | undefined = undefined;

  constructor(
    private readonly context: FlameClientContext,
    private readonly sessionId: string,
    private readonly input: Uint8Array | undefined,
    private readonly options: CreateTaskOnceOptions,
    private readonly subscriber: Subscriber<Task>,
  ) {
    this.#ledger = createLedger(context.channel, sessionId);
    this.#ledger.unresolved += 1;
  }

  start(): this {
    this.send();
    return this;
  }

  unsubscribe(): void {
    this.#current?.unsubscribe();
    this.#resolve();
  }

  /** Sends a CreateTask, after which only ids above the floor it opens can be its task. */
  send(): void {
    const floor = this.#ledger.openFloor();
    if (this.#heldFloor !== undefined) this.#ledger.closeFloor(this.#heldFloor);
    this.#heldFloor = floor;
    this.#track(createTask(this.context, this.sessionId, this.input, this.options.call).subscribe(new Attempt(this, floor, sentAnswer)));
  }

  /** The CreateTask answered. */
  sent(task: Task, floor: TaskNumber): void {
    // Another attempt matched this task while its reply was on the way: both hold the
    // same input, so this attempt looks for the other's task (or creates anew).
    if (this.#ledger.claimed.has(task.id)) this.reconcile(floor);
    else {
      this.#ledger.claim(task.id);
      this.#deliver(task);
    }
  }

  /** Reads the session's tasks and takes its own, or sends again when there is none. */
  reconcile(floor: TaskNumber): void {
    this.#track(taskSnapshot(this.context, this.sessionId, this.#ledger).subscribe(new Attempt(this, floor, listedAnswer)));
  }

  /** The snapshot of a reconciliation arrived. */
  listed(snapshot: readonly Task[], floor: TaskNumber): void {
    const found = this.#ledger.match(snapshot, floor, this.input);
    if (found) this.#deliver(found);
    else this.send();
  }

  /** A call failed: reconcile after the policy's delay if the error allows, else fail. */
  failed(error: unknown, floor: TaskNumber): void {
    this.#attempt += 1;
    const shouldRetry = this.options.shouldRetry ?? retryTransient;
    const delayMs = shouldRetry(error, this.#attempt)
      ? backoffDelay(this.options.policy ?? this.context.backoff, this.#attempt, this.options.random)
      : undefined;
    if (delayMs === undefined) this.#fail(error);
    else this.#current = (this.options.scheduler ?? this.context.scheduler).schedule(() => this.reconcile(floor), delayMs);
  }

  #resolve(): void {
    if (this.#resolved) return;
    this.#resolved = true;
    if (this.#heldFloor !== undefined) this.#ledger.closeFloor(this.#heldFloor);
    this.#ledger.end();
  }

  #deliver(task: Task): void {
    this.#resolve();
    this.subscriber.next(task);
    this.subscriber.complete();
  }

  #fail(error: unknown): void {
    this.#resolve();
    this.subscriber.error(error);
  }

  /** A call that ended synchronously has already set up what follows it. */
  #track(subscription: Subscription): void {
    if (!subscription.closed) this.#current = subscription;
  }
}

/**
 * The subscriber of one call of a `CreateOnce` (a CreateTask, or a reconciling
 * snapshot): its value goes to `answer`, its error to `failed`, both with the attempt's floor.
 */
class Attempt<T> extends Subscriber<T> {
  constructor(
    private readonly owner: CreateOnce,
    private readonly floor: TaskNumber,
    private readonly answer: (owner: CreateOnce, value: T, floor: TaskNumber) => void,
  ) {
    super();
  }

  protected override _next(value: T): void {
    this.answer(this.owner, value, this.floor);
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    this.owner.failed(error, this.floor);
  }

  protected override _complete(): void {
    this.unsubscribe();
  }
}

const sentAnswer = (owner: CreateOnce, task: Task, floor: TaskNumber): void => owner.sent(task, floor);
const listedAnswer = (owner: CreateOnce, snapshot: readonly Task[], floor: TaskNumber): void => owner.listed(snapshot, floor);
