import { SchedulerLike } from 'rxjs';
import { BackoffPolicy } from '../../transport/backoff.js';
import type { FlameChannel } from '../../transport/grpc/channel.js';
import type { FlameCallOptions } from '../../transport/grpc/methods.js';

/**
 * What every Flame call helper needs: the channel, and the backoff and scheduler that task
 * watches use. A `FlameClient` holds one; the helpers take it so they can be used (and
 * tested) without the class.
 *
 * @example
 * ```ts
 * import { FlameChannel, defaultBackoffPolicy } from 'flame-pie-rx/flame';
 * import { asyncScheduler } from 'rxjs';
 * const context = { channel: new FlameChannel('http://127.0.0.1:8080'), backoff: defaultBackoffPolicy, scheduler: asyncScheduler };
 * ```
 */
export interface FlameClientContext {
  readonly channel: FlameChannel;
  /** Delays between attempts of a task watch (after a break or an empty end). */
  readonly backoff: BackoffPolicy;
  /** Where watch delays and status polling run. */
  readonly scheduler: SchedulerLike;
}

/** Per-call options of every Flame client method: `deadlineMs`, `waitForReady` (default true), `signal`. */
export type FlameClientCallOptions = FlameCallOptions;
