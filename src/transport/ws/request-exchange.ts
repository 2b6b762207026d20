import { Observable } from 'rxjs';
import { PieConnectionLostError } from '../../model/pie/errors.js';
import { encodeRequest } from './codec.js';
import { FrameSink, SendFramesOptions, sendFrames } from './frame-sender.js';
import type { PieRequestMessage, PieResponse } from './messages.js';
import { RequestTable } from './request-table.js';

export interface ExchangeOptions extends SendFramesOptions {
  readonly table: RequestTable;
  /** Where the encoded frames go (the current socket). */
  readonly sink: FrameSink;
  /** The frames of this request; every one is sent with the same fresh `corr_id`. */
  readonly messages: Iterable<PieRequestMessage>;
  /** The request's name for error texts; defaults to the first message's `type` when `messages` is an array. */
  readonly request?: string;
  /** Marks a heartbeat ping in the table. */
  readonly heartbeat?: boolean;
}

/**
 * One correlated request: on subscription it takes a fresh `corr_id` from the table, sends
 * every message with that id (respecting the sink's backpressure), and emits the first
 * response with that id, then completes. `ok: false` is a normal value: the caller
 * interprets it. Unsubscribing (cancel, timeout) stops sending and forgets the id, so a
 * late reply is dropped. A failing `send` errors with `PieConnectionLostError`.
 *
 * @example
 * ```ts
 * import { exchange, RequestTable } from 'flame-pie-rx/pie';
 * exchange({ table: new RequestTable(), sink: socket, messages: [{ type: 'ping' }] })
 *   .subscribe((response) => console.log(response.result)); // 'Pong'
 * ```
 */
export function exchange(options: ExchangeOptions): Observable<PieResponse> {
  return new Observable<PieResponse>((subscriber) => {
    const { table, sink, messages } = options;
    const first = options.request ?? firstType(messages);
    const id = table.register({
      request: first,
      ...(options.heartbeat ? { heartbeat: true } : {}),
      onResponse: (response) => {
        subscriber.next(response);
        subscriber.complete();
      },
      onError: (error) => subscriber.error(error),
    });
    // The frames are encoded as they are sent, and stop as soon as this request is
    // unsubscribed, even from inside a progress callback of the first synchronous burst
    // (before the teardown below is registered).
    const sending = sendFrames(sink, encodeAll(messages, id, () => subscriber.closed), options).subscribe({
      error: (error: unknown) => {
        table.forget(id);
        subscriber.error(new PieConnectionLostError(`could not send ${first}`, { cause: error }));
      },
    });
    return () => {
      sending.unsubscribe();
      table.forget(id);
    };
  });
}

function* encodeAll(messages: Iterable<PieRequestMessage>, corrId: number, cancelled: () => boolean): Generator<Uint8Array> {
  for (const message of messages) {
    if (cancelled()) return;
    yield encodeRequest(message, corrId);
  }
}

function firstType(messages: Iterable<PieRequestMessage>): string {
  if (Array.isArray(messages)) return (messages as readonly PieRequestMessage[])[0]?.type ?? 'request';
  return 'request';
}
