import { Observable, toArray } from 'rxjs';
import type { Task } from '../../model/flame/types.js';
import type { FlameClientContext } from './context.js';
import type { SessionCreateLedger } from './create-ledger.js';
import { listTasks } from './tasks.js';

/**
 * Every task of the session, read by a ListTask that starts after subscription; emits the
 * snapshot once, then completes. Subscribers that wait at the same time share one
 * ListTask (one round per session at a time): after a dropped connection every
 * CreateTask that was in flight needs a snapshot, and one read serves them all. A
 * subscriber that arrives while a round runs waits for the next one, since the running
 * read may predate its own CreateTask.
 *
 * @example
 * ```ts
 * taskSnapshot(client, session.id, createLedger(client.channel, session.id)).subscribe((tasks) => console.log(tasks.length));
 * ```
 */
export function taskSnapshot(context: FlameClientContext, sessionId: string, ledger: SessionCreateLedger): Observable<readonly Task[]> {
  return new Observable<readonly Task[]>((subscriber) => {
    const waiter = (result: readonly Task[] | Error): void => {
      if (result instanceof Error) {
        subscriber.error(result);
        return;
      }
      subscriber.next(result);
      subscriber.complete();
    };
    ledger.waiting.push(waiter);
    startRound(context, sessionId, ledger);
    return () => {
      const index = ledger.waiting.indexOf(waiter);
      if (index >= 0) ledger.waiting.splice(index, 1);
    };
  });
}

function startRound(context: FlameClientContext, sessionId: string, ledger: SessionCreateLedger): void {
  if (ledger.listing || ledger.waiting.length === 0) return;
  ledger.listing = true;
  const served = ledger.waiting;
  ledger.waiting = [];
  const settle = (result: readonly Task[] | Error): void => {
    ledger.listing = false;
    for (const waiter of served) waiter(result);
    startRound(context, sessionId, ledger);
  };
  listTasks(context, sessionId)
    .pipe(toArray())
    .subscribe({ next: (tasks) => settle(tasks), error: (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))) });
}
