import { Observable, Subscription, defaultIfEmpty, defer, take } from 'rxjs';
import { PieConnectionLostError } from '../../model/pie/errors.js';
import type { HeartbeatDeath } from './heartbeat.js';
import type { SessionPhase } from './reconnect-loop.js';
import { SocketEvent, closeSocket, socketEvents } from './socket-events.js';
import type { WebSocketFactory, WebSocketInit, WebSocketLike } from './socket.js';

/** What one session needs from its connection. */
export interface SessionHooks {
  readonly url: string;
  readonly webSocketFactory: WebSocketFactory;
  /** Passed to the factory: upgrade headers. */
  readonly init?: WebSocketInit;
  /** Called when the socket is open, before authentication starts. */
  readonly onOpen: (socket: WebSocketLike) => void;
  /** Runs the authentication exchange on this socket; done at its first value or completion. */
  readonly authenticate: (socket: WebSocketLike) => Observable<unknown> | Promise<unknown>;
  /** The heartbeat for this socket once ready, or undefined when disabled. */
  readonly heartbeat?: (socket: WebSocketLike) => Observable<HeartbeatDeath>;
  /** Every frame the socket delivers. */
  readonly onFrame: (event: Exclude<SocketEvent, { kind: 'open' }>, socket: WebSocketLike) => void;
  /** The session ended: `error` when it was lost or failed, undefined when torn down on purpose. */
  readonly onEnd: (error: Error | undefined, socket: WebSocketLike | undefined) => void;
}

/**
 * One socket's session, as the reconnect loop wants it: opens the socket, emits
 * `'authenticating'`, runs `authenticate`, emits `'ready'` and starts the heartbeat. It
 * errors (and closes the socket) when the socket drops, authentication fails, or the
 * heartbeat declares the peer dead.
 *
 * @example
 * ```ts
 * import { pieSession, reconnectLoop } from 'flame-pie-rx/pie';
 * reconnectLoop({ connect: () => pieSession(hooks), shouldRetry: () => true }).subscribe();
 * ```
 */
export function pieSession(hooks: SessionHooks): Observable<SessionPhase> {
  return new Observable<SessionPhase>((subscriber) => {
    const subscriptions = new Subscription();
    let socket: WebSocketLike | undefined;
    let ended = false;

    const end = (error: Error | undefined): void => {
      if (ended) return;
      ended = true;
      hooks.onEnd(error, socket);
    };
    const lose = (error: unknown): void => {
      end(error instanceof Error ? error : new PieConnectionLostError(String(error)));
      subscriber.error(error);
    };

    const ready = (open: WebSocketLike): void => {
      subscriber.next('ready');
      if (!hooks.heartbeat || subscriber.closed) return;
      subscriptions.add(
        hooks.heartbeat(open).subscribe((death) => {
          // A dead link gets no closing handshake: destroy the TCP connection at once, so
          // the engine sees it gone (and detaches its processes) now, not 30 s later.
          closeSocket(open, { terminate: true });
          lose(new PieConnectionLostError(`no reply to ${death.missed} heartbeat pings in a row`));
        }),
      );
    };

    const opened = (open: WebSocketLike): void => {
      socket = open;
      hooks.onOpen(open);
      subscriber.next('authenticating');
      subscriptions.add(
        defer(() => hooks.authenticate(open))
          .pipe(take(1), defaultIfEmpty(undefined))
          .subscribe({ next: () => ready(open), error: lose }),
      );
    };

    subscriptions.add(
      socketEvents(hooks.webSocketFactory, hooks.url, hooks.init).subscribe({
        next: (event) => {
          if (event.kind === 'open') opened(event.socket);
          else if (socket) hooks.onFrame(event, socket);
        },
        error: lose,
      }),
    );

    return () => {
      end(undefined);
      subscriptions.unsubscribe();
    };
  });
}
