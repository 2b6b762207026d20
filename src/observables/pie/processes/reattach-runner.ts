import { PieProcessLostError } from '../../../model/pie/errors.js';
import type { PieClientContext } from '../connection/client-context.js';
import { isGateway } from '../../../transport/ws/generations.js';
import { processesToReattach, reattachOutcome } from './reattach.js';
import type { WorkflowEntry } from '../workflows/workflow.js';

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/**
 * Sends `attach_process` for every wanted process stream after a reconnect (session > 1).
 * Success moves the stream to the new session (signals and files wait for that); a refusal
 * fails the stream with `PieProcessLostError` (for `Process not found` explaining spec 4.7);
 * a connection lost meanwhile is left to the next session's attempt.
 *
 * @example
 * ```ts
 * connection.ready$.subscribe((session) => reattachProcesses(context, session));
 * ```
 */
export function reattachProcesses(context: PieClientContext, session: number): void {
  const routes = context.router.liveRoutes();
  const ids = processesToReattach(
    routes.map((route) => ({ id: route.id, wanted: route.wanted, attachedSession: route.attachedSession$.value })),
    session,
  );
  for (const id of ids) {
    const route = context.router.get(id);
    if (!route) continue;
    context.connection.request({ type: 'attach_process', process_id: id }).subscribe({
      next(response) {
        const dialect = context.generation?.dialect;
        const outcome = reattachOutcome(id, response, dialect !== undefined && isGateway(dialect));
        if (outcome === 'attached') route.attachedSession$.next(session);
        else route.fail(outcome);
      },
      error(error: unknown) {
        if (isRetryable(error) || route.ended) return;
        route.fail(
          new PieProcessLostError(
            { processId: id, reason: `reattaching failed: ${error instanceof Error ? error.message : String(error)}` },
            { cause: error },
          ),
        );
      },
    });
  }
}

/**
 * Sends `attach_workflow` for every attached workflow that is listened to after a
 * reconnect; a refusal fails its `events$` with `PieProcessLostError`.
 *
 * @example
 * ```ts
 * reattachWorkflows(context, workflows, 2);
 * ```
 */
export function reattachWorkflows(context: PieClientContext, workflows: readonly WorkflowEntry[], session: number): void {
  for (const workflow of workflows) {
    if (!workflow.wanted || workflow.attachedSession >= session) continue;
    context.connection.request({ type: 'attach_workflow', workflow_id: workflow.id }).subscribe({
      next(response) {
        if (response.ok) workflow.attachedSession = session;
        else workflow.fail(workflow.reattachRefused(response.result));
      },
      error(error: unknown) {
        if (!isRetryable(error)) workflow.fail(workflow.reattachRefused(String((error as Error)?.message ?? error)));
      },
    });
  }
}
