import { Observable, finalize, map, switchMap } from 'rxjs';
import { PieError, PieProtocolError } from '../../model/pie/errors.js';
import type { ProcessEvent } from '../../model/pie/events.js';
import { normalizeProcessId } from '../../model/pie/process-id.js';
import { parseProgramId } from '../../model/pie/program-id.js';
import { parseStringArray } from '../../model/pie/results.js';
import type { PieRequestMessage, PieUint } from '../../transport/ws/messages.js';
import type { PieClientContext } from './client-context.js';
import { type PieProcess, createProcessHandle } from './process-handle.js';
import type { ReleasePolicy } from './process-route.js';
import { okResult } from './responses.js';

/** Options of `launch` / `launchProcess`. */
export interface LaunchOptions {
  /**
   * Capture stdout/stderr and stream events to this client (default true). With `false` the
   * engine discards stdout/stderr and attaches nobody: the handle has the id (learnt through
   * `launch_processes`, since `launch_process` answers `""`) and an empty `events$`; use
   * `attachProcess(id)` to receive `message`/`file`/`return`/`error` later.
   */
  readonly capture?: boolean;
  /** Hard cap on the tokens the process may process (spec 4.2). */
  readonly tokenBudget?: number;
  /**
   * When the last subscriber of `events$` leaves before the process ended: `'detach'`
   * (default) stops listening and leaves the process running; `'terminate'` also sends
   * `terminate_process`.
   */
  readonly onUnsubscribe?: ReleasePolicy;
  /** Timeout of the launch request (the first launch of a program compiles it). */
  readonly timeoutMs?: number;
}

/** Options of `launchProcesses`. */
export interface LaunchManyOptions extends Omit<LaunchOptions, 'tokenBudget'> {
  /** One budget per input (`null`: none for that input); length must match the inputs. */
  readonly tokenBudgets?: readonly (number | null)[];
}

/**
 * The input string handed to the inferlet: a string is sent as it is (the caller owns its
 * format); any other value is JSON-stringified; `undefined` becomes `{}`, as the other
 * clients send.
 *
 * @example
 * ```ts
 * encodeProcessInput({ prompt: 'hi' }); // => '{"prompt":"hi"}'
 * encodeProcessInput('raw text'); // => 'raw text'
 * ```
 */
export function encodeProcessInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input === undefined) return '{}';
  const text = JSON.stringify(input);
  if (text === undefined) throw new PieError(`process input of type ${typeof input} cannot be sent as JSON`);
  return text;
}

function tokenBudget(value: number | null | undefined): PieUint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PieError(`token budget must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function tokenBudgets(values: readonly (number | null)[] | undefined, inputs: number): (PieUint | null)[] | undefined {
  if (values === undefined) return undefined;
  if (values.length !== inputs) {
    throw new PieError(`token budgets length ${values.length} does not match inputs length ${inputs}`);
  }
  return values.map((value) => tokenBudget(value) ?? null);
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
 */
function launchRequest(
  context: PieClientContext,
  message: PieRequestMessage,
  timeoutMs: number | undefined,
  idsOf: (result: string) => string[],
  capture: boolean,
  releasePolicy: ReleasePolicy,
): Observable<PieProcess[]> {
  return new Observable<PieProcess[]>((subscriber) => {
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
            return createProcessHandle(context, id, route);
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
    parseProgramId(inferlet);
    const encoded = encodeProcessInput(input);
    const budget = tokenBudget(options.tokenBudget);
    const capture = options.capture ?? true;
    const releasePolicy = options.onUnsubscribe ?? 'detach';
    const request = capture
      ? launchRequest(
          context,
          {
            type: 'launch_process',
            inferlet,
            input: encoded,
            capture_outputs: true,
            ...(budget === undefined ? {} : { token_budget: budget }),
          },
          options.timeoutMs,
          (result) => [result],
          true,
          releasePolicy,
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
  return launch(context, inferlet, input, options).pipe(
    switchMap((process) => {
      const route = context.router.get(process.id);
      return process.events$.pipe(finalize(() => route?.release()));
    }),
  );
}

/**
 * `launch_processes`: one process per input, handles in input order.
 *
 * @example
 * ```ts
 * launchProcesses(context, 'echo@1.0.0', [{ n: 1 }, { n: 2 }]).subscribe((ps) => console.log(ps.map((p) => p.id)));
 * ```
 */
export function launchProcesses(
  context: PieClientContext,
  inferlet: string,
  inputs: readonly unknown[],
  options: LaunchManyOptions = {},
): Observable<PieProcess[]> {
  return new Observable<PieProcess[]>((subscriber) => {
    parseProgramId(inferlet);
    const budgets = tokenBudgets(options.tokenBudgets, inputs.length);
    const capture = options.capture ?? true;
    return launchRequest(
      context,
      {
        type: 'launch_processes',
        inferlet,
        inputs: inputs.map(encodeProcessInput),
        capture_outputs: capture,
        ...(budgets === undefined ? {} : { token_budgets: budgets }),
      },
      options.timeoutMs,
      parseStringArray,
      capture,
      options.onUnsubscribe ?? 'detach',
    ).subscribe(subscriber);
  });
}

/**
 * `attach_process`: follows a running process launched elsewhere (or without capture).
 * The id is validated and normalised locally (`PieProcessIdError`); a process this client
 * already follows is shared without asking the engine (which would answer `Process not
 * found` to its own attached connection, spec 2.4.9).
 *
 * @example
 * ```ts
 * attachProcess(context, id).subscribe((p) => p.events$.subscribe(console.log));
 * ```
 */
export function attachProcess(
  context: PieClientContext,
  processId: string,
  options: Pick<LaunchOptions, 'onUnsubscribe' | 'timeoutMs'> = {},
): Observable<PieProcess> {
  return new Observable<PieProcess>((subscriber) => {
    const id = normalizeProcessId(processId);
    const existing = context.router.get(id);
    if (existing && !existing.ended) {
      subscriber.next(createProcessHandle(context, id, existing));
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
    )
      .pipe(map((handles) => handles[0] as PieProcess))
      .subscribe(subscriber);
  });
}

/**
 * `run_processes`: runs one process per input to completion and emits their raw return
 * strings in input order. The engine blocks the connection meanwhile (spec 2.3); a
 * failing process makes the whole request fail with `PieRequestError` carrying its text.
 *
 * @example
 * ```ts
 * runProcesses(context, 'echo@1.0.0', [{ n: 1 }], { timeoutMs: 120_000 }).subscribe(console.log);
 * ```
 */
export function runProcesses(
  context: PieClientContext,
  inferlet: string,
  inputs: readonly unknown[],
  options: { tokenBudgets?: readonly (number | null)[]; timeoutMs?: number } = {},
): Observable<string[]> {
  return new Observable<string[]>((subscriber) => {
    parseProgramId(inferlet);
    const budgets = tokenBudgets(options.tokenBudgets, inputs.length);
    return context.connection
      .request(
        {
          type: 'run_processes',
          inferlet,
          inputs: inputs.map(encodeProcessInput),
          ...(budgets === undefined ? {} : { token_budgets: budgets }),
        },
        { timeoutMs: options.timeoutMs },
      )
      .pipe(okResult('run_processes'), map(parseStringArray))
      .subscribe(subscriber);
  });
}

/**
 * `launch_daemon`: starts the program's HTTP handler on `127.0.0.1:<port>` of the engine
 * host; completes on `server launched`. Daemons produce no events and cannot be stopped
 * through the protocol (spec 2.4.8).
 *
 * @example
 * ```ts
 * launchDaemon(context, 'web@1.0.0', 8081).subscribe();
 * ```
 */
export function launchDaemon(
  context: PieClientContext,
  inferlet: string,
  port: number,
  input?: unknown,
): Observable<void> {
  return new Observable<void>((subscriber) => {
    parseProgramId(inferlet);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PieError(`daemon port must be an integer in 1..65535, got ${String(port)}`);
    }
    return context.connection
      .request({ type: 'launch_daemon', port, inferlet, input: encodeProcessInput(input) })
      .pipe(okResult('launch_daemon'), map(() => undefined))
      .subscribe(subscriber);
  });
}
