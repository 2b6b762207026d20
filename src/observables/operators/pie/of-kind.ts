import { filter, type OperatorFunction } from 'rxjs';
import type { ProcessEvent, ProcessEventKind, ProcessEventOf } from '../../../model/pie/events.js';

/**
 * Keeps only the process events of the given kinds, narrowing their type.
 *
 * @example
 * ```ts
 * import { ofKind } from 'flame-pie-rx';
 * events$.pipe(ofKind('stdout', 'stderr')).subscribe((e) => console.log(e.kind, e.text));
 * ```
 */
export function ofKind<K extends ProcessEventKind>(...kinds: K[]): OperatorFunction<ProcessEvent, ProcessEventOf<K>> {
  const wanted = new Set<ProcessEventKind>(kinds);
  return filter((event: ProcessEvent): event is ProcessEventOf<K> => wanted.has(event.kind));
}
