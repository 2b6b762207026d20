import { Observable, Subject, map, takeUntil, tap } from 'rxjs';
import { PieError, PieProcessLostError, PieProtocolError } from '../../../model/pie/errors.js';
import type { ProcessEvent } from '../../../model/pie/events.js';
import { normalizeProcessId } from '../../../model/pie/process-id.js';
import type { PieClientContext } from '../connection/client-context.js';
import { okResult } from '../connection/responses.js';
import { type AbortOptions, abortable } from '../../../interop/abortable.js';

/**
 * A submitted workflow (spec 2.7). The engine never announces which process ids belong to
 * it, never sends its final value and never says it finished: `events$` carries the events
 * of child processes (each with the child's `processId`; group them with
 * `groupBy((e) => e.processId)`), and it completes only on `detach()` (or errors when the
 * connection closes). With several workflows attached on one client at once, their
 * children cannot be told apart: each workflow's `events$` sees all of them.
 *
 * @example
 * ```ts
 * client.submitWorkflow({ type: 'process', program_name: 'echo@1.0.0' }).pipe(
 *   switchMap((workflow) => workflow.events$),
 * ).subscribe((event) => console.log(event.processId, event.kind));
 * ```
 */
export interface PieWorkflow {
  readonly id: string;
  /** Events of the workflow's child processes, as they arrive (and any buffered before). */
  readonly events$: Observable<ProcessEvent>;
  /** `attach_workflow`: replays events buffered while detached, then streams live ones. `signal` cancels the request. */
  attach(options?: AbortOptions): Observable<void>;
  /** `detach_workflow`: the engine buffers children's events until the next attach; `events$` completes. `signal` cancels the request. */
  detach(options?: AbortOptions): Observable<void>;
  /** `cancel_workflow`: running children end with an `error` event `cancelled`. `signal` cancels the request. */
  cancel(options?: AbortOptions): Observable<void>;
}

/**
 * The `PieWorkflow` a client hands out, with the book-keeping for reattachment after a
 * reconnect (attached, on which session, listened to).
 *
 * @example
 * ```ts
 * const entry = new WorkflowEntry(context, workflowId, context.session$.value);
 * entry.events$.subscribe(console.log);
 * ```
 */
export class WorkflowEntry implements PieWorkflow {
  attached = true;
  attachedSession: number;
  private listeners = 0;
  private readonly detached = new Subject<void>();
  private readonly failures = new Subject<never>();

  /**
   * @param tracking called with `true` when the workflow becomes attached and `false` when it
   * is detached or failed, so the client only keeps (and reattaches) attached workflows.
   */
  constructor(
    private readonly context: PieClientContext,
    readonly id: string,
    session: number,
    private readonly tracking: (entry: WorkflowEntry, attached: boolean) => void = () => undefined,
  ) {
    this.attachedSession = session;
  }

  readonly events$: Observable<ProcessEvent> = new Observable<ProcessEvent>((subscriber) => {
    this.listeners++;
    const inner = this.context.router.unclaimed$.pipe(takeUntil(this.detached)).subscribe(subscriber);
    const failure = this.failures.subscribe({ error: (error: unknown) => subscriber.error(error) });
    return () => {
      this.listeners--;
      inner.unsubscribe();
      failure.unsubscribe();
    };
  });

  /** Whether reattaching after a reconnect is worth it: attached and listened to. */
  get wanted(): boolean {
    return this.attached && this.listeners > 0;
  }

  attach(options: AbortOptions = {}): Observable<void> {
    return this.context.connection.request({ type: 'attach_workflow', workflow_id: this.id }).pipe(
      okResult('attach_workflow'),
      tap(() => {
        this.attached = true;
        this.attachedSession = this.context.session$.value;
        this.tracking(this, true);
      }),
      map(() => undefined),
      abortable(options.signal),
    );
  }

  detach(options: AbortOptions = {}): Observable<void> {
    return this.context.connection.request({ type: 'detach_workflow', workflow_id: this.id }).pipe(
      okResult('detach_workflow'),
      tap(() => {
        this.attached = false;
        this.tracking(this, false);
        this.detached.next();
      }),
      map(() => undefined),
      abortable(options.signal),
    );
  }

  cancel(options: AbortOptions = {}): Observable<void> {
    return this.context.connection
      .request({ type: 'cancel_workflow', workflow_id: this.id })
      .pipe(okResult('cancel_workflow'), map(() => undefined), abortable(options.signal));
  }

  /** Ends every `events$` subscriber with an error (reattach refused, connection closed). */
  fail(error: Error): void {
    this.attached = false;
    this.tracking(this, false);
    this.failures.error(error);
  }

  /** The error for an `attach_workflow` refused while reattaching. */
  reattachRefused(serverMessage: string): PieProcessLostError {
    return new PieProcessLostError(
      {
        processId: this.id,
        reason:
          `the engine refused to reattach workflow ${this.id}: ${serverMessage}` +
          (serverMessage === 'already attached'
            ? ' (engines of this version keep workflows bound to the closed connection, spec 4.7)'
            : ''),
      },
      { serverMessage },
    );
  }
}

/**
 * The JSON text of a workflow: a string is sent as it is, an object is serialised.
 *
 * @example
 * ```ts
 * workflowJson({ type: 'literal', value: 1 }); // => '{"type":"literal","value":1}'
 * ```
 */
export function workflowJson(workflow: string | object): string {
  if (typeof workflow === 'string') return workflow;
  const text = JSON.stringify(workflow);
  if (typeof text !== 'string') throw new PieError('workflow must be a JSON object or JSON text');
  return text;
}

/**
 * `submit_workflow`: emits the workflow handle (the submitting connection is attached at
 * once) and completes. Unsubscribed (or aborted) before the engine answered, the workflow it
 * then creates is cancelled (`cancel_workflow`), since no handle to it exists. The engine's refusals (`Invalid workflow JSON: …`) are
 * `PieRequestError`s.
 *
 * @example
 * ```ts
 * submitWorkflow(context, { type: 'process', program_name: 'echo@1.0.0' }, (w, attached) => track(w, attached)).subscribe();
 * ```
 */
export function submitWorkflow(
  context: PieClientContext,
  workflow: string | object,
  tracking: (entry: WorkflowEntry, attached: boolean) => void,
): Observable<PieWorkflow> {
  return new Observable<PieWorkflow>((subscriber) => {
    const json = workflowJson(workflow);
    // The request outlives an unsubscribe (or abort) before the reply: a workflow the engine
    // then creates has no handle anywhere, so it is cancelled rather than left running.
    let wanted = true;
    context.connection
      .request({ type: 'submit_workflow', json })
      .pipe(
        okResult('submit_workflow'),
        map((result) => {
          let id: string;
          try {
            id = normalizeProcessId(result);
          } catch (error) {
            throw new PieProtocolError(`submit_workflow answered ${JSON.stringify(result)} instead of an id`, {
              cause: error,
            });
          }
          return id;
        }),
      )
      .subscribe({
        next(id) {
          if (!wanted) {
            context.connection.request({ type: 'cancel_workflow', workflow_id: id }).subscribe({ error: () => undefined });
            return;
          }
          const entry = new WorkflowEntry(context, id, context.session$.value, tracking);
          tracking(entry, true);
          subscriber.next(entry);
          subscriber.complete();
        },
        error: (error: unknown) => subscriber.error(error),
      });
    return () => {
      wanted = false;
    };
  });
}
