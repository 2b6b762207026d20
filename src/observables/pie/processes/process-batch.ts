import { Observable, map } from 'rxjs';
import { PieError } from '../../../model/pie/errors.js';
import { parseProgramId } from '../../../model/pie/program-id.js';
import { parseStringArray } from '../../../model/pie/results.js';
import type { PieClientContext } from '../connection/client-context.js';
import type { PieProcess } from './process-handle.js';
import { encodeProcessInput, tokenBudgets } from './process-input.js';
import { type LaunchOptions, launchRequest } from './process-launch.js';
import { okResult } from '../connection/responses.js';

/** Options of `launchProcesses`. */
export interface LaunchManyOptions extends Omit<LaunchOptions, 'tokenBudget' | 'props' | 'session' | 'files'> {
  /** One budget per input (`null`: none for that input); length must match the inputs. */
  readonly tokenBudgets?: readonly (number | null)[];
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
    const budgets = tokenBudgets(options.tokenBudgets, inputs.length, 'run_processes');
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
