// Tells a request stream the client cancelled from one it ended, a moment after the
// request side ends.
//
// A grpc-js client that cancels a call sends END_STREAM and then RST_STREAM (Node's
// Http2Stream.close ends the writable side first; seen on the wire through a proxy), so the
// server first sees an ordinary end. Once the reset is read the HTTP/2 stream is closed
// with a non-zero rstCode, before grpc-js reports the cancel. grpc-js keeps that stream
// behind its call objects; this reads it there (grpc-js 1.10 to 1.14: the handler's `call`
// → `nextCall`… → `stream`) and says undefined when that shape is not found.

interface Http2StreamState {
  readonly closed: boolean;
  readonly destroyed: boolean;
  readonly rstCode?: number;
}

function isHttp2Stream(value: unknown): value is Http2StreamState {
  return typeof value === 'object' && value !== null && 'rstCode' in value && typeof (value as { closed?: unknown }).closed === 'boolean';
}

/** The HTTP/2 stream under a grpc-js server call, or undefined where grpc-js hides it. */
export function http2StreamOf(call: object): Http2StreamState | undefined {
  let layer: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && typeof layer === 'object' && layer !== null; depth++) {
    const stream = (layer as { stream?: unknown }).stream;
    if (isHttp2Stream(stream)) return stream;
    layer = (layer as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

/**
 * True once the client's reset of the stream has been read, false while the stream is
 * open, undefined when the HTTP/2 stream cannot be read.
 */
export function endedByReset(call: object): boolean | undefined {
  const stream = http2StreamOf(call);
  if (!stream) return undefined;
  return stream.destroyed || (stream.closed && (stream.rstCode ?? 0) !== 0);
}
