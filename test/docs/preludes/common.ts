// What every doc block may use without importing it: rxjs helpers, a tiny `expect`, and the
// placeholders a guide names (render, log, save …) as functions that record what they got.
import { deepStrictEqual } from 'node:assert';
export { filter, firstValueFrom, from, groupBy, lastValueFrom, map, mergeMap, range, share, switchMap, take, tap, toArray } from 'rxjs';
export { backoffPolicy, describeConnectionState, firstValue, lastValue, ofKind, returnValue, runAll, retryFailedTasks, stdoutText } from 'flame-pie-rx';

export const seen: unknown[] = [];
const record = (...args: unknown[]): void => void seen.push(args);
export const render = record;
export const statusBar = record;
export const progressBar = record;
export const show = record;
export const showError = record;
export const log = record;
export const save = record;
export const slowWork = async (value: unknown): Promise<void> => record(value);
export const output = { textContent: '' };

/** `expect(a).toEqual(b)` for the marble examples (TestScheduler's comparator). */
export function expect(actual: unknown): { toEqual(expected: unknown): void; toBe(expected: unknown): void } {
  return { toEqual: (expected) => deepStrictEqual(actual, expected), toBe: (expected) => deepStrictEqual(actual, expected) };
}

/** Lets the block's asynchronous work finish, then ends the process (open streams included). */
export async function done(settleMs = 300): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  process.exit(0);
}
