import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import type { FlameChannel } from './channel.js';
import { FlameChannelClosedError } from './errors.js';
import {
  type FlameCallOptions,
  type FlameRequest,
  type FlameResponse,
  type FlameServerStreamMethodName,
  flameErrorFromServiceError,
  flameMethod,
  grpcCallSettings,
} from './methods.js';

/**
 * A server-streaming Frontend call (`watchTask`, `listTask`) as a cold Observable: each
 * subscription opens one stream, emits every message, and completes when the server ends
 * the stream with OK; a non-OK status errors with the typed `FlameError`. Unsubscribing
 * cancels the stream on the wire (the resulting CANCELLED status is not reported).
 * `waitForReady` (default true) and `deadlineMs` as for `unaryCall`.
 *
 * @example
 * ```ts
 * import { FlameChannel, serverStreamCall } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-1', taskId: '1' })
 *   .subscribe({ next: (task) => console.log(task.status?.state), complete: () => console.log('done') });
 * ```
 */
export function serverStreamCall<K extends FlameServerStreamMethodName>(
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
    const stream: ClientReadableStream<FlameResponse<K>> = channel.frontend.makeServerStreamRequest<
      FlameRequest<K>,
      FlameResponse<K>
    >(definition.path, definition.serialize, definition.deserialize, request, settings.metadata, settings.callOptions);
    stream.on('data', (message: FlameResponse<K>) => subscriber.next(message));
    // grpc-js emits 'error' (non-OK status) before 'end', so an errored stream never completes.
    untrack = channel.trackCall(stream);
    stream.on('error', (error: ServiceError) => {
      finished = true;
      untrack();
      subscriber.error(flameErrorFromServiceError(error, definition.rpcName));
    });
    stream.on('end', () => {
      finished = true;
      untrack();
      subscriber.complete();
    });
    return () => {
      untrack();
      if (finished) return;
      // The CANCELLED status that follows arrives as an 'error' event; the listener above
      // stays attached (an EventEmitter 'error' without a listener would throw), and the
      // closed subscriber ignores it.
      stream.cancel();
    };
  });
}
