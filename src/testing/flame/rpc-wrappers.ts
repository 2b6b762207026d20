// Adapters from plain functions to grpc-js handlers, adding call logging, cancellation
// tracking, injected faults and status mapping.
import {
  Metadata,
  status,
  type handleBidiStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerErrorResponse,
} from '@grpc/grpc-js';
import type { ActiveCall, CallRegistry } from './call-registry.js';
import { RpcFailure } from './errors.js';

function statusOf(error: unknown): { code: number; details: string } {
  if (error instanceof RpcFailure) return { code: error.code, details: error.details };
  return { code: status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}

function serviceError(code: number, details: string, statusDetails?: Uint8Array): ServerErrorResponse {
  if (statusDetails === undefined) return Object.assign(new Error(details), { code, details });
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(statusDetails));
  return Object.assign(new Error(details), { code, details, metadata });
}

/**
 * Wraps a synchronous unary implementation; a thrown `RpcFailure` becomes its status,
 * anything else INTERNAL.
 *
 * @example
 * ```ts
 * import { unaryHandler, CallRegistry } from './rpc-wrappers.js';
 * const getThing = unaryHandler(new CallRegistry(), 'getThing', (req: { id: string }) => ({ id: req.id }));
 * ```
 */
export function unaryHandler<Req, Res>(
  registry: CallRegistry,
  method: string,
  implementation: (request: Req) => Res,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const active: ActiveCall = {
      method,
      streaming: false,
      finished: false,
      abort: (code, details, statusDetails) => {
        if (active.finished) return;
        registry.end(active);
        callback(serviceError(code, details, statusDetails), null);
      },
    };
    registry.begin(active, call.request);
    call.on('cancelled', () => registry.cancelled(active));
    registry.gate(active, () => {
      let response: Res;
      try {
        response = implementation(call.request);
      } catch (error) {
        const { code, details } = statusOf(error);
        active.abort(code, details);
        return;
      }
      registry.end(active);
      callback(null, response);
    });
  };
}

/**
 * The server side of one response stream, as an implementation sees it.
 *
 * @example
 * ```ts
 * import type { ResponseStream } from './rpc-wrappers.js';
 * const sendAll = <T>(out: ResponseStream<T>, items: T[]) => { items.forEach((i) => out.write(i)); out.end(); };
 * ```
 */
export interface ResponseStream<Res> {
  write(message: Res): void;
  /** Ends with status OK. */
  end(): void;
  /** Runs when the stream ends for any reason (end, abort, client cancellation). */
  onClose(cleanup: () => void): void;
}

/**
 * Wraps a server-streaming implementation. A `RpcFailure` thrown synchronously (before any
 * message) becomes the stream's status.
 *
 * @example
 * ```ts
 * import { streamHandler, CallRegistry } from './rpc-wrappers.js';
 * const numbers = streamHandler(new CallRegistry(), 'numbers', (_req: object, out) => { out.write({ n: 1 }); out.end(); });
 * ```
 */
export function streamHandler<Req, Res>(
  registry: CallRegistry,
  method: string,
  implementation: (request: Req, out: ResponseStream<Res>) => void,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const cleanups: (() => void)[] = [];
    const close = () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    };
    const active: ActiveCall = {
      method,
      streaming: true,
      finished: false,
      abort: (code, details, statusDetails) => {
        if (active.finished) return;
        registry.end(active);
        close();
        call.emit('error', serviceError(code, details, statusDetails));
      },
    };
    const out: ResponseStream<Res> = {
      write: (message) => {
        if (!active.finished) call.write(message);
      },
      end: () => {
        if (active.finished) return;
        registry.end(active);
        close();
        call.end();
      },
      onClose: (cleanup) => {
        if (active.finished) cleanup();
        else cleanups.push(cleanup);
      },
    };
    registry.begin(active, call.request);
    call.on('cancelled', () => {
      registry.cancelled(active);
      close();
    });
    // A write failure after the peer went away is not this call's problem any more.
    call.on('error', () => {});
    registry.gate(active, () => {
      try {
        implementation(call.request, out);
      } catch (error) {
        const { code, details } = statusOf(error);
        active.abort(code, details);
      }
    });
  };
}

/**
 * The server side of a bidirectional stream, as an implementation sees it: the response
 * side of `ResponseStream`, plus ending with a status and the client's messages.
 *
 * @example
 * ```ts
 * import type { DuplexStream } from './rpc-wrappers.js';
 * const echo = <T>(io: DuplexStream<T, T>) => io.onRequest((m) => io.write(m));
 * ```
 */
export interface DuplexStream<Req, Res> extends ResponseStream<Res> {
  /** Ends with a non-OK status. */
  fail(code: number, details: string): void;
  /** Each message from the client. */
  onRequest(listener: (request: Req) => void): void;
  /** The client half-closed its side. */
  onHalfClose(listener: () => void): void;
}

/**
 * Wraps a bidirectional-streaming implementation (0.7 WatchTasks): logs the call once when
 * it opens (request `undefined`), counts it as an open stream, applies the fault rules
 * before the implementation runs, and tracks client cancellation. A `RpcFailure` thrown
 * from a request listener becomes the stream's status.
 *
 * @example
 * ```ts
 * import { bidiHandler, CallRegistry } from './rpc-wrappers.js';
 * const echo = bidiHandler(new CallRegistry(), 'echo', (io: any) => io.onRequest((m: unknown) => io.write(m)));
 * ```
 */
export function bidiHandler<Req, Res>(
  registry: CallRegistry,
  method: string,
  implementation: (io: DuplexStream<Req, Res>) => void,
): handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const cleanups: (() => void)[] = [];
    const close = () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    };
    const requestListeners: ((request: Req) => void)[] = [];
    const halfCloseListeners: (() => void)[] = [];
    const buffered: Req[] = [];
    let halfClosed = false;
    let started = false;
    const active: ActiveCall = {
      method,
      streaming: true,
      finished: false,
      abort: (code, details, statusDetails) => {
        if (active.finished) return;
        registry.end(active);
        close();
        call.emit('error', serviceError(code, details, statusDetails));
      },
    };
    const guarded = (run: () => void) => {
      if (active.finished) return;
      try {
        run();
      } catch (error) {
        const { code, details } = statusOf(error);
        active.abort(code, details);
      }
    };
    const io: DuplexStream<Req, Res> = {
      write: (message) => {
        if (!active.finished) call.write(message);
      },
      end: () => {
        if (active.finished) return;
        registry.end(active);
        close();
        call.end();
      },
      fail: (code, details) => active.abort(code, details),
      onClose: (cleanup) => {
        if (active.finished) cleanup();
        else cleanups.push(cleanup);
      },
      onRequest: (listener) => requestListeners.push(listener),
      onHalfClose: (listener) => halfCloseListeners.push(listener),
    };
    const deliver = (request: Req) => guarded(() => requestListeners.forEach((l) => l(request)));
    const halfClose = () => guarded(() => halfCloseListeners.forEach((l) => l()));
    registry.begin(active, undefined);
    call.on('data', (request: Req) => {
      if (started) deliver(request);
      else buffered.push(request);
    });
    call.on('end', () => {
      halfClosed = true;
      if (started) halfClose();
    });
    call.on('cancelled', () => {
      registry.cancelled(active);
      close();
    });
    call.on('error', () => {});
    registry.gate(active, () => {
      guarded(() => implementation(io));
      started = true;
      for (const request of buffered.splice(0)) deliver(request);
      if (halfClosed) halfClose();
    });
  };
}
