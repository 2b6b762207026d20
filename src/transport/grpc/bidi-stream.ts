import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { Observable, type Unsubscribable } from 'rxjs';
import { abortable } from '../../interop/abortable.js';
import type { FlameChannel } from './channel.js';
import { FlameChannelClosedError } from './errors.js';
import {
  type FlameBidiStreamMethodName,
  type FlameCallOptions,
  type FlameRequest,
  type FlameResponse,
  flameErrorFromServiceError,
  flameMethod,
  sharedGrpcCallSettings,
  startWithoutCallerStack,
} from './methods.js';

/**
 * A bidirectional-streaming Frontend call (0.7 `watchTasks`) as a cold Observable, shaped
 * as `serverStreamCall`: each subscription opens one call and writes every message of
 * `requests` to it (their completion half-closes the call; their error cancels it and
 * errors with it), emits every message the server sends, and completes when the server
 * ends the call with OK; a non-OK status errors with the typed `FlameError`. Unsubscribing
 * cancels the call on the wire. `waitForReady` (default true), `deadlineMs` and `signal` as
 * for `unaryCall`.
 *
 * @example
 * ```ts
 * import { FlameChannel, bidiStreamCall } from 'flame-pie-rx/flame';
 * import { of } from 'rxjs';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * bidiStreamCall(channel, 'watchTasks', of({ sessionId: 'ssn-1', taskId: '1' }), { signal: AbortSignal.timeout(60_000) })
 *   .subscribe((task) => console.log(task.metadata?.id, task.status?.state));
 * ```
 */
export function bidiStreamCall<K extends FlameBidiStreamMethodName>(
  channel: FlameChannel,
  method: K,
  requests: Observable<FlameRequest<K>>,
  options: FlameCallOptions = {},
): Observable<FlameResponse<K>> {
  const definition = flameMethod(method);
  const call$ = new Observable<FlameResponse<K>>((subscriber) => {
    if (channel.closed) {
      subscriber.error(new FlameChannelClosedError(definition.rpcName));
      return undefined;
    }
    const settings = sharedGrpcCallSettings(options);
    const call: ClientDuplexStream<FlameRequest<K>, FlameResponse<K>> = startWithoutCallerStack(() =>
      channel.frontend.makeBidiStreamRequest<FlameRequest<K>, FlameResponse<K>>(
        definition.path,
        definition.serialize,
        definition.deserialize,
        settings.metadata,
        settings.callOptions,
      ),
    );
    channel.trackCall(call);
    let finished = false;
    let input: Unsubscribable | undefined;
    const finish = (): boolean => {
      if (finished) return false;
      finished = true;
      channel.untrackCall(call);
      input?.unsubscribe();
      return true;
    };
    call.on('data', (message: FlameResponse<K>) => subscriber.next(message));
    // grpc-js emits 'error' (non-OK status) before 'end'; a cancelled call's CANCELLED
    // arrives here too, after the teardown, and is dropped by `finish`.
    call.on('error', (error: ServiceError) => {
      if (finish()) subscriber.error(flameErrorFromServiceError(error, definition.rpcName));
    });
    call.on('end', () => {
      if (finish()) subscriber.complete();
    });
    input = requests.subscribe({
      next: (request) => {
        if (!finished) call.write(request);
      },
      error: (error: unknown) => {
        if (!finish()) return;
        call.cancel();
        subscriber.error(error);
      },
      complete: () => {
        if (!finished) call.end();
      },
    });
    if (finished) input.unsubscribe();
    return () => {
      if (finish()) call.cancel();
    };
  });
  return call$.pipe(abortable(options.signal));
}
