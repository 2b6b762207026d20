// The three call shapes the caches use, as cold Observables over a CacheChannel: unary and
// server stream (the transport's shapes, shared with the Frontend calls), and write stream
// (client or bidirectional, fed from an async source with backpressure). Unsubscribing
// cancels the call on the wire and stops the source.
import type * as grpc from '@grpc/grpc-js';
import { Observable, identity } from 'rxjs';
import type { GrpcMethod } from '../../../transport/grpc/call-target.js';
import { grpcServerStream } from '../../../transport/grpc/server-stream.js';
import { grpcUnary } from '../../../transport/grpc/unary.js';
import { FlameChannelClosedError } from '../../../transport/grpc/errors.js';
import { flameErrorFromServiceError } from '../../../transport/grpc/methods.js';
import type { CacheChannel } from './cache-channel.js';

/** What a generated service definition gives for one method. */
export interface CacheMethod<Req, Res> {
  readonly path: string;
  readonly requestSerialize: (value: Req) => Buffer;
  readonly responseDeserialize: (value: Buffer) => Res;
}

function rpcName(method: { readonly path: string }): string {
  return method.path.slice(method.path.lastIndexOf('/') + 1);
}

/** The shared call shapes' view of a generated method. */
function grpcMethod<Req, Res>(method: CacheMethod<Req, Res>): GrpcMethod<Req, Res> {
  return { path: method.path, rpcName: rpcName(method), serialize: method.requestSerialize, deserialize: method.responseDeserialize };
}

/** One request, one response. */
export function cacheUnary<Req, Res>(
  channel: CacheChannel,
  method: CacheMethod<Req, Res>,
  request: Req,
  metadata: grpc.Metadata,
): Observable<Res> {
  return grpcUnary(channel, grpcMethod(method), request, () => ({ metadata, callOptions: {} }), identity);
}

/** One request, a stream of responses. */
export function cacheServerStream<Req, Res>(
  channel: CacheChannel,
  method: CacheMethod<Req, Res>,
  request: Req,
  metadata: grpc.Metadata,
): Observable<Res> {
  return grpcServerStream(channel, grpcMethod(method), request, () => ({ metadata, callOptions: {} }), identity);
}

/**
 * A request stream pulled from `source` (awaiting 'drain' when grpc-js buffers), then
 * half-close; emits every response (one for a client stream). A source that throws
 * cancels the call and errors with what it threw.
 */
export function cacheWriteStream<Req, Res>(
  channel: CacheChannel,
  method: CacheMethod<Req, Res>,
  shape: 'client' | 'bidi',
  source: () => AsyncIterator<Req>,
  metadata: grpc.Metadata,
): Observable<Res> {
  return new Observable<Res>((subscriber) => {
    if (channel.closed) return subscriber.error(new FlameChannelClosedError(rpcName(method)));
    let finished = false;
    const fail = (error: unknown) => {
      if (finished) return;
      finished = true;
      channel.untrackCall(call);
      subscriber.error(error);
    };
    let call: grpc.ClientWritableStream<Req> | grpc.ClientDuplexStream<Req, Res>;
    if (shape === 'client') {
      call = channel.client.makeClientStreamRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        metadata,
        {},
        (error, response) => {
          if (error) return fail(flameErrorFromServiceError(error, rpcName(method)));
          if (finished) return;
          finished = true;
          channel.untrackCall(call);
          subscriber.next(response as Res);
          subscriber.complete();
        },
      );
    } else {
      const duplex = channel.client.makeBidiStreamRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        metadata,
        {},
      );
      duplex.on('data', (message: Res) => subscriber.next(message));
      duplex.on('error', (error: grpc.ServiceError) => fail(flameErrorFromServiceError(error, rpcName(method))));
      duplex.on('end', () => {
        if (finished) return;
        finished = true;
        channel.untrackCall(duplex);
        subscriber.complete();
      });
      call = duplex;
    }
    channel.trackCall(call);
    const iterator = source();
    let stopped = false;
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (stopped) return;
          if (next.done) break;
          if (!call.write(next.value)) {
            await new Promise<void>((resolve) => {
              const done = () => {
                call.off('drain', done);
                call.off('close', done);
                resolve();
              };
              call.on('drain', done);
              call.on('close', done);
            });
            if (stopped || finished) return;
          }
        }
        call.end();
      } catch (error) {
        if (stopped) return;
        call.cancel();
        fail(error);
      }
    })();
    return () => {
      stopped = true;
      // A source whose cleanup throws must not leave an unhandled rejection behind.
      Promise.resolve(iterator.return?.(undefined)).catch(() => undefined);
      channel.untrackCall(call);
      if (!finished) {
        finished = true;
        call.cancel();
      }
    };
  });
}
