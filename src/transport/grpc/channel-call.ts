// One call made directly on the grpc-js channel, under the generated client's surface. Per
// call, grpc-js's Client builds an interceptor chain (an InterceptingCall, a listener
// wrapper and the interceptor options copied per call), a Node Readable stream (server
// streams) or an EventEmitter (unary calls) to hand messages over, and an Error for the
// caller's stack. The call shapes (unary.ts, server-stream.ts) need none of it: they take
// each message from the channel call's listener, and their own typed errors. Measured on
// a fast emulator, 2,000 tasks per run, the raw pattern of bench/flame-patterns.ts (one
// CreateTask and one WatchTask per task) cost 0.80× its CPU made this way.
//
// What the Client layer did and this does too: serialisation and parsing failures become
// an INTERNAL status with grpc-js's texts, a unary call with no answer fails UNIMPLEMENTED
// ('No message received') and one with two answers is cancelled UNIMPLEMENTED ('Too many
// responses received'); the metadata's wait-for-ready option and the deadline are the
// channel's. Interceptors and call credentials are not used by this library's channels.
import { type ChannelInterface, type InterceptingListener, Metadata, type StatusObject, status } from '@grpc/grpc-js';
import type { GrpcMethod } from './call-target.js';
import type { GrpcCallSettings } from './methods.js';

type Call = ReturnType<ChannelInterface['createCall']>;

/**
 * What a call reports: each response message, then its status, once. For a unary call an
 * OK status comes only after exactly one message.
 */
export interface CallReceiver<Res> {
  message(response: Res): void;
  status(status: StatusObject): void;
}

const NO_CONTEXT = {};

/**
 * A call on `channel` (`Client.getChannel()`): `start()` sends `request`, half-closes and
 * reads every message into `receiver`; `cancel()` cancels it on the wire (a CANCELLED
 * status follows, as with grpc-js's own calls). Receiver callbacks may run inside `start()`.
 *
 * @example
 * ```ts
 * import { ChannelCall } from './channel-call.js'; // internal to the call shapes
 * const call = new ChannelCall(client.getChannel(), method, request, settings, true, {
 *   message: (task) => console.log(task),
 *   status: (s) => console.log('ended', s.code),
 * });
 * call.start();
 * ```
 */
export class ChannelCall<Req, Res> implements InterceptingListener {
  readonly #call: Call;
  #readError: StatusObject | undefined = undefined;
  #ended = false;
  #answered = false;

  constructor(
    channel: ChannelInterface,
    private readonly method: GrpcMethod<Req, Res>,
    private readonly request: Req,
    private readonly settings: GrpcCallSettings,
    /** True for a server stream (any number of messages), false for a unary call (exactly one). */
    private readonly streaming: boolean,
    private readonly receiver: CallReceiver<Res>,
  ) {
    this.#call = channel.createCall(method.path, settings.callOptions.deadline ?? Infinity, undefined, null, undefined);
  }

  start(): void {
    const call = this.#call;
    // The metadata may be shared: grpc-js clones it when the call starts.
    call.start(this.settings.metadata, this);
    let bytes: Buffer;
    try {
      bytes = this.method.serialize(this.request);
    } catch (error) {
      call.cancelWithStatus(status.INTERNAL, `Request message serialization failure: ${errorMessage(error)}`);
      return;
    }
    call.sendMessageWithContext(NO_CONTEXT, bytes);
    call.halfClose();
    call.startRead();
  }

  cancel(): void {
    this.#call.cancelWithStatus(status.CANCELLED, 'Cancelled on client');
  }

  onReceiveMetadata(): void {}

  onReceiveMessage(bytes: Buffer): void {
    if (this.#ended || this.#readError !== undefined) return;
    if (!this.streaming) {
      if (this.#answered) {
        this.#call.cancelWithStatus(status.UNIMPLEMENTED, 'Too many responses received');
        return;
      }
      this.#answered = true;
    }
    let response: Res;
    try {
      response = this.method.deserialize(bytes);
    } catch (error) {
      this.#readError = { code: status.INTERNAL, details: `Response message parsing error: ${errorMessage(error)}`, metadata: new Metadata() };
      this.#call.cancelWithStatus(this.#readError.code, this.#readError.details);
      return;
    }
    this.receiver.message(response);
    // Read on after a unary answer too: a second one (refused above) or the status is next.
    if (!this.#ended) this.#call.startRead();
  }

  onReceiveStatus(received: StatusObject): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#readError !== undefined) this.receiver.status(this.#readError);
    else if (!this.streaming && received.code === status.OK && !this.#answered) {
      this.receiver.status({ code: status.UNIMPLEMENTED, details: 'No message received', metadata: received.metadata });
    } else this.receiver.status(received);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
