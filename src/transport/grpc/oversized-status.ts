// Answers whose header block the client's HTTP/2 layer refuses. Measured with grpc-js 1.14.7
// on Node 20 (nghttp2 1.6x) against a grpc-js server sending an error status on loopback:
// - more than 8 CONTINUATION frames (a header block above about 144 KiB, every field under
//   64 KiB): Node ends the connection at once; every call on it reports INTERNAL
//   `Received RST_STREAM with code 2 triggered by internal client error: Too many
//   CONTINUATION frames following a HEADER frame`. That is not a connection loss to retry:
//   the server would send the same status again, so it becomes FlameStatusTooLargeError.
//   The other calls open on that connection get the very same status (Node ends them all
//   with the session's error), so they end with it too: nothing tells them apart.
// - one field above 64 KiB (e.g. 1 MiB of `grpc-message` or `grpc-status-details-bin`):
//   nghttp2's HPACK decoder has a fixed 64 KiB limit per field; it sends GOAWAY
//   COMPRESSION_ERROR and stops reading the socket, and Node reports nothing to grpc-js (no
//   stream or session event). The call, and every later call on that connection, waits
//   until grpc-js's keepalive ping times out (15 s + 5 s with the channel's defaults). No
//   grpc-js option or Node setting reaches that limit or that state (grpc-js passes only
//   its own settings to `http2.connect`, and Node keeps the session private); the only way
//   to see it would be to route every byte of every connection through a JavaScript stream
//   watching the frames the client sends, which costs every call (15 to 45 % more CPU
//   with 1 MB answers in a rough run, client and server in one process) for a server
//   fault. Bound such calls with `deadlineMs`.
// On Node 22 and 24 (grpc-js 1.14.7, the same server), the field above 64 KiB is refused as
// a stream error instead: that call alone reports INTERNAL `Received RST_STREAM with code 2
// triggered by internal client error: Protocol error` within milliseconds, and the
// connection stays up for the others. A protocol error the client's own HTTP/2 layer
// raises about one answer is the server's doing and would come again, so it is not a
// connection loss either (the message names no size: it also covers other header blocks
// the client rejects, e.g. malformed ones).
const TOO_LARGE = /Too many CONTINUATION frames following a HEADER frame|triggered by internal client error: Protocol error$/;
const INTERNAL = 13;

/**
 * Whether a failed call's status says the client refused the server's header block as too
 * large (see the notes above), rather than that the connection was lost.
 *
 * @example
 * ```ts
 * import { isOversizedStatus } from './oversized-status.js';
 * isOversizedStatus({ code: 13, details: 'Received RST_STREAM with code 2 triggered by internal client error: Too many CONTINUATION frames following a HEADER frame' }); // => true
 * isOversizedStatus({ code: 13, details: 'Received RST_STREAM with code 2 triggered by internal client error: Protocol error' }); // => true (Node 22+)
 * ```
 */
export function isOversizedStatus(status: { code: number; details?: string }): boolean {
  return status.code === INTERNAL && TOO_LARGE.test(status.details ?? '');
}
