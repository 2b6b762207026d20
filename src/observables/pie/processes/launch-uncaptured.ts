import { Observable, map, switchMap } from 'rxjs';
import { PieProtocolError } from '../../../model/pie/errors.js';
import { normalizeProcessId } from '../../../model/pie/process-id.js';
import { type ProcessInfo, parseProcessList } from '../../../model/pie/results.js';
import type { LaunchProcessMessage } from '../../../transport/ws/messages.js';
import type { PieClientContext } from '../connection/client-context.js';
import { okResult } from '../connection/responses.js';
import { type PieProcess, createProcessHandle } from './process-handle.js';

/**
 * `capture: false` on a gateway, where `launch_processes` is gone: a `launch_process` with
 * `capture_outputs: false`. pie-server 0.5.2 answers it with `""` instead of an id, so the
 * id is learnt from `list_processes` taken before and after: the one new process of that
 * program with that input. If there is not exactly one (it already finished, or an
 * identical launch raced it), the launch still happened and the error says so.
 *
 * @example
 * ```ts
 * launchUncaptured(context, { type: 'launch_process', inferlet: 'compat-openai', input: '{}', capture_outputs: false }, undefined)
 *   .subscribe((process) => console.log(process.id));
 * ```
 */
export function launchUncaptured(context: PieClientContext, message: LaunchProcessMessage, timeoutMs: number | undefined): Observable<PieProcess> {
  const list = (): Observable<ProcessInfo[]> =>
    context.connection.request({ type: 'list_processes' }, { timeoutMs }).pipe(okResult('list_processes'), map(parseProcessList));
  return list().pipe(
    switchMap((before) => {
      const known = new Set(before.map((p) => p.id));
      return context.connection.request(message, { timeoutMs }).pipe(
        okResult('launch_process'),
        switchMap((result) => {
          if (result !== '') return [normalizeProcessId(result)];
          return list().pipe(
            map((after) => {
              const fresh = after.filter((p) => !known.has(p.id) && p.input === message.input && sameProgram(p.program, message.inferlet));
              if (fresh.length !== 1) {
                throw new PieProtocolError(
                  `the gateway launched ${message.inferlet} without capture and answered no process id; list_processes shows ` +
                    `${fresh.length} new processes of it with this input, so its id is unknown (it may have finished already)`,
                );
              }
              return normalizeProcessId(fresh[0]!.id);
            }),
          );
        }),
      );
    }),
    map((id) => createProcessHandle(context, id, undefined)),
  );
}

/** `compat-openai` names `compat-openai@0.1.0`; `x@1.0.0` names only itself. */
function sameProgram(listed: string | undefined, launched: string): boolean {
  if (listed === undefined) return true;
  return launched.includes('@') ? listed === launched : listed.split('@')[0] === launched;
}
