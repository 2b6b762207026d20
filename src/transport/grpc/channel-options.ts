import type { ChannelOptions } from '@grpc/grpc-js';
import type { BackoffPolicy } from '../backoff.js';

/**
 * Receive limit per message: 64 MiB. grpc-js (like the Rust SDK) defaults to 4 MiB, but
 * every Task the Flame server sends carries its full input and output, and the server itself
 * does not limit what it sends (spec section 1), so a 4 MiB limit would make large tasks
 * unreadable.
 *
 * @example
 * ```ts
 * import { FlameChannel, DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from 'flame-pie-rx/flame';
 * new FlameChannel('http://127.0.0.1:8080', { maxReceiveMessageBytes: 2 * DEFAULT_MAX_RECEIVE_MESSAGE_BYTES });
 * ```
 */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * HTTP/2 keepalive ping interval: 15 s. The Flame server sets only TCP keepalive and sends
 * no pings or stream heartbeats (a WatchTask stream can stay silent for hours), so the
 * client pings to notice a dead peer.
 *
 * @example
 * ```ts
 * import { FlameChannel, DEFAULT_KEEPALIVE_TIME_MS } from 'flame-pie-rx/flame';
 * new FlameChannel('http://127.0.0.1:8080', { keepaliveTimeMs: DEFAULT_KEEPALIVE_TIME_MS * 2 });
 * ```
 */
export const DEFAULT_KEEPALIVE_TIME_MS = 15_000;

/**
 * How long a keepalive ping may stay unanswered before the connection counts as dead: 5 s.
 *
 * @example
 * ```ts
 * import { FlameChannel, DEFAULT_KEEPALIVE_TIMEOUT_MS } from 'flame-pie-rx/flame';
 * new FlameChannel('http://127.0.0.1:8080', { keepaliveTimeoutMs: DEFAULT_KEEPALIVE_TIMEOUT_MS * 2 });
 * ```
 */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 5_000;

/**
 * grpc-js closes a connection after 30 min without calls by default; the channel keeps its
 * connection (and thus `state$`) warm instead, so the idle timeout is set to the largest
 * timer value (about 24.8 days).
 */
const CLIENT_IDLE_TIMEOUT_MS = 2_147_483_647;

/**
 * grpc-js keeps channelz statistics by default: per call, a `Date` for each of the channel,
 * subchannel and socket trackers, about eight closures, and a `Date.now()` per message sent
 * or received. They serve only a channelz admin service registered in the same process, and
 * the channel's grpc-js internals are not reachable through this library, so its channels
 * turn them off (`grpc.enable_channelz: 0`).
 */
const CHANNELZ_OFF = 0;

/** grpc-js reconnects on its own in TRANSIENT_FAILURE; its delays never go below this. */
const MIN_GRPC_RECONNECT_BACKOFF_MS = 10;

/** The tunables of a Flame channel that end up as grpc-js channel options. */
export interface FlameChannelTuning {
  readonly maxReceiveMessageBytes?: number;
  readonly keepaliveTimeMs?: number;
  readonly keepaliveTimeoutMs?: number;
  readonly backoff: BackoffPolicy;
}

/**
 * The grpc-js channel options a Flame channel is created with: a raised receive limit,
 * HTTP/2 keepalive (also without active calls), no idle disconnect, grpc-js's own
 * reconnect backoff bounded by the same policy the channel paces `state$` with, and no
 * channelz bookkeeping per call.
 *
 * @example
 * ```ts
 * import { flameGrpcChannelOptions, defaultBackoffPolicy } from 'flame-pie-rx/flame';
 * flameGrpcChannelOptions({ backoff: defaultBackoffPolicy })['grpc.keepalive_time_ms']; // => 15000
 * ```
 */
export function flameGrpcChannelOptions(tuning: FlameChannelTuning): ChannelOptions {
  const maxReceive = tuning.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
  const keepaliveTime = tuning.keepaliveTimeMs ?? DEFAULT_KEEPALIVE_TIME_MS;
  const keepaliveTimeout = tuning.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS;
  const initialBackoff = Math.max(MIN_GRPC_RECONNECT_BACKOFF_MS, Math.round(tuning.backoff.initialDelayMs));
  const maxBackoff = Math.max(initialBackoff, Math.round(tuning.backoff.maxDelayMs));
  return {
    'grpc.max_receive_message_length': maxReceive,
    'grpc.keepalive_time_ms': keepaliveTime,
    'grpc.keepalive_timeout_ms': keepaliveTimeout,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.client_idle_timeout_ms': CLIENT_IDLE_TIMEOUT_MS,
    'grpc.initial_reconnect_backoff_ms': initialBackoff,
    'grpc.max_reconnect_backoff_ms': maxBackoff,
    'grpc.enable_channelz': CHANNELZ_OFF,
  };
}
