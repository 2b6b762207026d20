import { type ChannelInterface, connectivityState } from '@grpc/grpc-js';
import { Observable } from 'rxjs';

/**
 * The connectivity states of a grpc-js channel: the current one at subscription, then each
 * change (`watchConnectivityState`), completing after SHUTDOWN. Never asks the channel to
 * connect; `reconnectStates` turns this into `ConnectionState`s.
 *
 * @example
 * ```ts
 * import { channelConnectivity } from 'flame-pie-rx/flame';
 * channelConnectivity(flameChannel.frontend.getChannel()).subscribe((s) => console.log(s));
 * ```
 */
export function channelConnectivity(channel: ChannelInterface): Observable<connectivityState> {
  return new Observable<connectivityState>((subscriber) => {
    let active = true;
    const report = (state: connectivityState): void => {
      if (!active) return;
      subscriber.next(state);
      if (state === connectivityState.SHUTDOWN) {
        subscriber.complete();
        return;
      }
      try {
        channel.watchConnectivityState(state, Infinity, () => report(channel.getConnectivityState(false)));
      } catch {
        // grpc-js refuses to watch a channel that has been shut down.
        report(connectivityState.SHUTDOWN);
      }
    };
    report(channel.getConnectivityState(false));
    return () => {
      // grpc-js has no way to remove a watcher; it fires once more at the next change and is ignored.
      active = false;
    };
  });
}
