import type { ClientUnaryCall, ServiceError } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import type { FlameChannel } from './channel.js';
import { FlameChannelClosedError } from './errors.js';
import {
  type FlameCallOptions,
  type FlameRequest,
  type FlameResponse,
  type FlameUnaryMethodName,
  flameErrorFromServiceError,
  flameMethod,
  grpcCallSettings,
} from './methods.js';

/**
 * A unary Frontend call as a cold Observable: each subscription makes one call, emits the
 * response and completes; a non-OK status errors with the typed `FlameError` from
 * `flameErrorFromStatus`. Unsubscribing before the answer cancels the call on the wire
 * (the resulting CANCELLED status is not reported). The call waits for a down channel
 * unless `waitForReady: false`; `deadlineMs` bounds it (`FlameDeadlineExceededError`).
 *
 * @example
 * ```ts
 * import { FlameChannel, unaryCall } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { deadlineMs: 5000 })
 *   .subscribe((task) => console.log(task.status?.state));
 * ```
 */
export function unaryCall<K extends FlameUnaryMethodName>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions = {},
): Observable<FlameResponse<K>> {
  const definition = flameMethod(method);
  return new Observable<FlameResponse<K>>((subscriber) => {
    if (channel.closed) {
      subscriber.error(new FlameChannelClosedError(definition.rpcName));
      return undefined;
    }
    let finished = false;
    let untrack: () => void = () => undefined;
    const settings = grpcCallSettings(options);
    const call: ClientUnaryCall = channel.frontend.makeUnaryRequest<FlameRequest<K>, FlameResponse<K>>(
      definition.path,
      definition.serialize,
      definition.deserialize,
      request,
      settings.metadata,
      settings.callOptions,
      (error: ServiceError | null, response?: FlameResponse<K>) => {
        finished = true;
        untrack();
        if (error) {
          subscriber.error(flameErrorFromServiceError(error, definition.rpcName));
          return;
        }
        subscriber.next(response as FlameResponse<K>);
        subscriber.complete();
      },
    );
    untrack = channel.trackCall(call);
    return () => {
      untrack();
      if (!finished) call.cancel();
    };
  });
}
