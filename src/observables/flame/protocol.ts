// Which Flame version a channel's server speaks (flame-0.7.md 2.12, 5.1.1), and the
// per-version tables of what each logical operation calls and what each version offers.
import { Observable, catchError, defer, finalize, map, of, share, switchMap, throwError } from 'rxjs';
import { ApplicationState } from '../../gen/flame/v1/types.js';
import { FlameUnknownProtocolError, FlameUnsupportedFeatureError, type FlameVersion } from '../../model/flame/version-errors.js';
import { FlameError, GrpcStatusCode } from '../../model/flame/status-errors.js';
import type { FlameChannel } from '../../transport/grpc/channel.js';
import type { FlameCallOptions } from '../../transport/grpc/methods.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import { type AbortOptions, abortable } from '../../interop/abortable.js';

export type { FlameVersion } from '../../model/flame/version-errors.js';
export * from './version-tables.js';

/** `FlameClient.connect`'s `version` option: a pinned version, or `'auto'` (probe). */
export type FlameVersionOption = FlameVersion | 'auto';

/**
 * The version of one channel's server: pinned, or detected lazily by probing
 * (flame-0.7.md 5.1.1): ListApplications with `state = Disabled` (OK → 0.7; UNIMPLEMENTED →)
 * ListApplication (OK → 0.6; UNIMPLEMENTED → `FlameUnknownProtocolError`). Concurrent
 * callers share one probe. Any other failure (UNAVAILABLE, a deadline) is reported and
 * nothing is cached. A detected version is forgotten when the channel loses its
 * connection (the server may have been upgraded) and by `forget()`.
 *
 * @example
 * ```ts
 * import { FlameChannel, FlameProtocol } from 'flame-pie-rx/flame';
 * const protocol = new FlameProtocol(new FlameChannel('http://127.0.0.1:8080'));
 * protocol.detect().subscribe((version) => console.log(version)); // '0.6' or '0.7'
 * ```
 */
export class FlameProtocol {
  #version: FlameVersion | undefined;
  #probe: Observable<FlameVersion> | undefined;
  readonly pinned: boolean;

  constructor(
    private readonly channel: FlameChannel,
    version: FlameVersionOption = 'auto',
  ) {
    this.pinned = version !== 'auto';
    this.#version = version === 'auto' ? undefined : version;
    if (!this.pinned) {
      let connected = false;
      channel.state$.subscribe((state) => {
        if (state.kind === 'ready') connected = true;
        else if (connected && state.kind === 'reconnecting') {
          connected = false;
          this.forget();
        }
      });
    }
  }

  /** The version, once known (pinned or detected); undefined before. */
  get version(): FlameVersion | undefined {
    return this.#version;
  }

  /** Forgets a detected version (a pinned one stays), so that the next call probes again. */
  forget(): void {
    if (!this.pinned) this.#version = undefined;
  }

  /**
   * The version: at once when known, else after probing (shared by concurrent callers).
   * `signal` ends this caller's wait only: the probe goes on for the others.
   */
  detect(call: FlameCallOptions = {}): Observable<FlameVersion> {
    const { signal, ...probeCall } = call;
    return defer(() => {
      if (this.#version !== undefined) return of(this.#version);
      this.#probe ??= this.#runProbe(probeCall).pipe(
        finalize(() => (this.#probe = undefined)),
        share(),
      );
      return this.#probe;
    }).pipe(abortable(signal));
  }

  #runProbe(call: FlameCallOptions): Observable<FlameVersion> {
    const found = (version: FlameVersion) => {
      this.#version = version;
      return version;
    };
    return unaryCall(this.channel, 'listApplications', { state: ApplicationState.Disabled }, call).pipe(
      map(() => found('0.7')),
      catchError((error: unknown) => {
        if (!isUnimplemented(error)) return throwError(() => error);
        return unaryCall(this.channel, 'listApplication', {}, call).pipe(
          map(() => found('0.6')),
          catchError((second: unknown) =>
            throwError(() =>
              isUnimplemented(second) ? new FlameUnknownProtocolError(this.channel.parsedEndpoint.target, { cause: second }) : second,
            ),
          ),
        );
      }),
    );
  }
}

/**
 * Whether an error is gRPC UNIMPLEMENTED (a path the server does not serve).
 *
 * @example
 * ```ts
 * import { FlameError, isUnimplemented } from 'flame-pie-rx/flame';
 * isUnimplemented(new FlameError({ code: 12, details: '' })); // => true
 * ```
 */
export function isUnimplemented(error: unknown): boolean {
  return error instanceof FlameError && error.code === GrpcStatusCode.UNIMPLEMENTED;
}

const protocols = new WeakMap<FlameChannel, FlameProtocol>();

/**
 * The `FlameProtocol` of a channel (one per channel, made on first use; `FlameClient`
 * makes it with its `version` option).
 *
 * @example
 * ```ts
 * import { FlameChannel, protocolOf } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * protocolOf(channel) === protocolOf(channel); // => true
 * ```
 */
export function protocolOf(channel: FlameChannel, version?: FlameVersionOption): FlameProtocol {
  let protocol = protocols.get(channel);
  if (!protocol || (version !== undefined && version !== 'auto' && protocol.version !== version)) {
    protocol = new FlameProtocol(channel, version);
    protocols.set(channel, protocol);
  }
  return protocol;
}

/**
 * Runs `body` with the channel's version: synchronously when it is known (no extra
 * subscriber), else after detection. When the body fails with UNIMPLEMENTED and the
 * version was detected (not pinned), the version is probed again and, if it changed (a
 * server upgraded behind the same address), the body runs once more with the new one.
 * `signal` cancels the whole of it, detection included.
 *
 * @example
 * ```ts
 * import { withVersion } from 'flame-pie-rx/flame';
 * withVersion(channel, (version) => unaryCall(channel, version === '0.7' ? 'listSessions' : 'listSession', {}));
 * ```
 */
export function withVersion<T>(
  channel: FlameChannel,
  body: (version: FlameVersion) => Observable<T>,
  options: AbortOptions = {},
): Observable<T> {
  const protocol = protocolOf(channel);
  const once = (version: FlameVersion): Observable<T> =>
    protocol.pinned
      ? body(version)
      : body(version).pipe(
          catchError((error: unknown) => {
            if (!isUnimplemented(error)) return throwError(() => error);
            protocol.forget();
            return protocol.detect().pipe(
              switchMap((again) => (again === version ? throwError(() => error) : body(again))),
            );
          }),
        );
  return defer(() => {
    const known = protocol.version;
    return known !== undefined ? once(known) : protocol.detect().pipe(switchMap(once));
  }).pipe(abortable(options.signal));
}

/**
 * Throws `FlameUnsupportedFeatureError` when `version` lacks a 0.7 feature, so that
 * nothing is sent that a 0.6 server would drop silently.
 *
 * @example
 * ```ts
 * import { requireFlame07 } from 'flame-pie-rx/flame';
 * requireFlame07('0.7', 'suspendSession'); // ok
 * requireFlame07('0.6', 'suspendSession'); // throws FlameUnsupportedFeatureError
 * ```
 */
export function requireFlame07(version: FlameVersion, feature: string): void {
  if (version !== '0.7') throw new FlameUnsupportedFeatureError(feature, version);
}
