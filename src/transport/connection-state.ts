/**
 * The state of a reconnecting transport (the Flame gRPC channel or the Pie WebSocket),
 * as a typed union that `state$` streams emit.
 *
 * @example
 * ```ts
 * import { describeConnectionState } from 'flame-pie-rx';
 * client.state$.subscribe((s) => console.log(describeConnectionState(s)));
 * ```
 */
export type ConnectionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'authenticating' }
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'reconnecting';
      /** 1 for the first retry after a loss, then 2, 3, ... */
      readonly attempt: number;
      readonly lastError: Error;
      /** How long the transport waits before this attempt. */
      readonly delayMs: number;
    }
  | { readonly kind: 'closed'; readonly error?: Error };

export type ConnectionStateKind = ConnectionState['kind'];

/**
 * One line of text for a connection state, for logs and status bars.
 *
 * @example
 * ```ts
 * describeConnectionState({ kind: 'reconnecting', attempt: 2, lastError: new Error('ECONNREFUSED'), delayMs: 400 });
 * // => 'reconnecting (attempt 2 in 400 ms): ECONNREFUSED'
 * ```
 */
export function describeConnectionState(state: ConnectionState): string {
  switch (state.kind) {
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt} in ${state.delayMs} ms): ${state.lastError.message}`;
    case 'closed':
      return state.error ? `closed: ${state.error.message}` : 'closed';
    case 'connecting':
      return state.attempt > 1 ? `connecting (attempt ${state.attempt})` : 'connecting';
    default:
      return state.kind;
  }
}
