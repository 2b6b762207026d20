import { Observable, map } from 'rxjs';
import { PieProtocolError } from '../../../model/pie/errors.js';
import type { ProcessEvent } from '../../../model/pie/events.js';
import { normalizeProcessId } from '../../../model/pie/process-id.js';
import { checkLaunchProgram } from '../../../model/pie/program-id.js';
import { parseStringArray } from '../../../model/pie/results.js';
import type { PieRequestMessage } from '../../../transport/ws/messages.js';
import type { PieClientContext } from '../connection/client-context.js';
import { type PieProcess, createProcessHandle } from './process-handle.js';
import { encodeProcessInput } from './process-input.js';
import { type GenerationLaunchOptions, launchFields } from './launch-options.js';
import { launchUncaptured } from './launch-uncaptured.js';
import { isGateway } from '../../../transport/ws/generations.js';
import type { ProcessRoute, ReleasePolicy } from './process-route.js';
import { okResult } from '../connection/responses.js';
import { checkTimeout } from '../../../transport/ws/connection-options.js';
import type { AbortOptions } from '../../../interop/abortable.js';

/**
 * Options of `launch` / `launchProcess`. `signal` (see `AbortOptions`): aborting
 * `launchProcess` ends the event stream like unsubscribing (the process is released with
 * `onUnsubscribe`: detached, or terminated), aborting `launch` before the engine answered
 * releases the process it creates the same way.
 */
export interface LaunchOptions extends GenerationLaunchOptions, AbortOptions {
  /**
   * Capture stdout/stderr and stream events to this client (default true). With `false` the
   * engine discards stdout/stderr and attaches nobody: the handle has the id and an empty
   * `events$`; use `attachProcess(id)` to receive `message`/`file`/`return`/`error` later.
   * The id is learnt through `launch_processes` on 0.4 (whose `launch_process` answers
   * `""`), and on a gateway from `list_processes` around the launch (see `launchUncaptured`).
   */
  readonly capture?: boolean;
  /**
   * When the last subscriber of `events$` leaves before the process ended: `'detach'`
   * (default) stops listening and leaves the process running; `'terminate'` also sends
   * `terminate_process`.
   */
  readonly onUnsubscribe?: ReleasePolicy;
  /** Timeout of the launch request (the first launch of a program compiles it). */
  readonly timeoutMs?: number;
  /**
   * Fail the process's event stream with `PieIdleTimeoutError` when no event arrived for
   * this many ms (from subscribing, then from each event); the process is then released
   * with `onUnsubscribe`. Off by default. Why: a 0.4 engine sometimes leaves a launch on a
   * fresh connection silent for ever (1–15 % of launches on a loaded machine, an engine
   * defect); without a timeout the stream waits for ever. See `processIdleTimeout`.
   */
  readonly idleTimeoutMs?: number;
}

function processIdFromResult(result: string): string {
  try {
    return normalizeProcessId(result);
  } catch (error) {
    throw new PieProtocolError(`the engine answered a launch with ${JSON.stringify(result)} instead of a process id`, {
      cause: error,
    });
  }
}

/**
 * Sends a launch-like request and opens a route for each process id its reply names,
 * emitting the handles and completing. If the subscriber leaves before the reply, the
 * request still completes and the processes are released with the given policy, so no
 * process is left streaming to nobody (or left running, with `'terminate'`).
 *
 * @example
 * ```ts
 * launchRequest(context, { type: 'attach_process', process_id: id }, undefined, () => [id], true, 'detach')
 *   .subscribe(([process]) => process.events$.subscribe(console.log));
 * ```
 */
export function launchRequest(
  context: PieClientContext,
  message: PieRequestMessage,
  timeoutMs: number | undefined,
  idsOf: (result: string) => string[],
  capture: boolean,
  releasePolicy: ReleasePolicy,
  idleTimeoutMs?: number,
): Observable<PieProcess[]> {
  return new Observable<PieProcess[]>((subscriber) => {
    if (idleTimeoutMs !== undefined) checkTimeout(idleTimeoutMs, 'idleTimeoutMs');
    let wanted = true;
    context.connection
      .request(message, { timeoutMs })
      .pipe(okResult(message.type))
      .subscribe({
        next(result) {
          let ids: string[];
          try {
            ids = idsOf(result).map(processIdFromResult);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          const session = context.session$.value;
          const handles = ids.map((id) => {
            const route = capture ? context.router.open(id, { session, releasePolicy }) : undefined;
            if (route && !wanted) route.release();
            return createProcessHandle(context, id, route, { idleTimeoutMs });
          });
          subscriber.next(handles);
          subscriber.complete();
        },
        error: (error: unknown) => subscriber.error(error),
      });
    return () => {
      wanted = false;
    };
  });
}

/**
 * `launch_process` (or, without capture, `launch_processes` for one input so the id is
 * known): emits the `PieProcess` handle once the engine created the process, then
 * completes. Bad program ids and budgets fail locally with typed errors.
 *
 * @example
 * ```ts
 * launch(context, 'echo@1.0.0', { prompt: 'hi' }).subscribe((p) => p.events$.subscribe(console.log));
 * ```
 */
export function launch(
  context: PieClientContext,
  inferlet: string,
  input: unknown,
  options: LaunchOptions = {},
): Observable<PieProcess> {
  return new Observable<PieProcess>((subscriber) => {
    const dialect = context.generation?.dialect;
    const gateway = dialect !== undefined && isGateway(dialect);
    checkLaunchProgram(inferlet, gateway);
    const encoded = encodeProcessInput(input);
    const fields = launchFields(context, options);
    const budget = fields.token_budget;
    const capture = options.capture ?? true;
    const releasePolicy = options.onUnsubscribe ?? 'detach';
    if (!capture && gateway) {
      return launchUncaptured(context, { type: 'launch_process', inferlet, input: encoded, capture_outputs: false, ...fields }, options.timeoutMs).subscribe(subscriber);
    }
    const request = capture
      ? launchRequest(
          context,
          { type: 'launch_process', inferlet, input: encoded, capture_outputs: true, ...fields },
          options.timeoutMs,
          (result) => [result],
          true,
          releasePolicy,
          options.idleTimeoutMs,
        )
      : launchRequest(
          context,
          {
            type: 'launch_processes',
            inferlet,
            inputs: [encoded],
            capture_outputs: false,
            ...(budget === undefined ? {} : { token_budgets: [budget] }),
          },
          options.timeoutMs,
          parseStringArray,
          false,
          releasePolicy,
          options.idleTimeoutMs,
        );
    return request.pipe(map((handles) => handles[0] as PieProcess)).subscribe(subscriber);
  });
}

/**
 * Launches on subscribe and streams the process's events: completes after `return`, errors
 * with `PieProcessFailedError` after `error`. Unsubscribing before the end releases the
 * process with `onUnsubscribe` (`'detach'`: stop listening, it keeps running;
 * `'terminate'`: also `terminate_process`).
 *
 * @example
 * ```ts
 * launchProcess(context, 'echo@1.0.0', { prompt: 'hi' }, { onUnsubscribe: 'terminate' }).subscribe(console.log);
 * ```
 */
export function launchProcess(
  context: PieClientContext,
  inferlet: string,
  input: unknown,
  options: LaunchOptions = {},
): Observable<ProcessEvent> {
  // One Observable instead of switchMap + finalize: the process's events go straight from
  // its route to this subscriber, with no operator in between on every event.
  return new Observable<ProcessEvent>((subscriber) => {
    let route: ProcessRoute | undefined;
    let following = false;
    const launching = launch(context, inferlet, input, options).subscribe({
      next: (process) => {
        route = context.router.get(process.id);
        following = true;
        process.events$.subscribe(subscriber);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        if (!following) subscriber.complete();
      },
    });
    return () => {
      launching.unsubscribe();
      route?.release();
    };
  });
}

/**
 * `attach_process`: follows a running process launched elsewhere (or without capture).
 * The id is validated and normalised locally (`PieProcessIdError`); a process this client
 * already follows is shared without asking the engine (which would answer `Process not
 * found` to its own attached connection, spec 2.4.9), and so is one it launched that has
 * ended while its events are still queued on the handle (the engine has forgotten it; the
 * events are here). As with any shared route, the first subscriber takes the queued events.
 *
 * @example
 * ```ts
 * attachProcess(context, id).subscribe((p) => p.events$.subscribe(console.log));
 * ```
 */
export function attachProcess(
  context: PieClientContext,
  processId: string,
  options: Pick<LaunchOptions, 'onUnsubscribe' | 'timeoutMs' | 'idleTimeoutMs'> = {},
): Observable<PieProcess> {
  return new Observable<PieProcess>((subscriber) => {
    const id = normalizeProcessId(processId);
    const existing = context.router.followed(id);
    if (existing) {
      subscriber.next(createProcessHandle(context, id, existing, { idleTimeoutMs: options.idleTimeoutMs }));
      subscriber.complete();
      return undefined;
    }
    return launchRequest(
      context,
      { type: 'attach_process', process_id: id },
      options.timeoutMs,
      () => [id],
      true,
      options.onUnsubscribe ?? 'detach',
      options.idleTimeoutMs,
    )
      .pipe(map((handles) => handles[0] as PieProcess))
      .subscribe(subscriber);
  });
}
