// Client-side errors of the object cache. Failed calls use the gRPC status family of
// status-errors.ts (FlameNotFoundError, FlameInvalidArgumentError, ...).
import { ClientError } from '../errors.js';

/**
 * An object key, key prefix or delete target breaks the cache's key rules (flame.md 6.1,
 * flame-0.7.md 3.8): components non-empty, free of `..`, `\`, `/` and `:`; `*` only as
 * the session of a 2-part delete target. Caught before anything is sent.
 *
 * @example
 * ```ts
 * import { FlameCacheKeyError } from 'flame-pie-rx/flame/cache';
 * new FlameCacheKeyError('app//x', 'empty component').message; // => 'invalid object key "app//x": empty component'
 * ```
 */
export class FlameCacheKeyError extends ClientError {
  readonly key: string;
  readonly problem: string;

  constructor(key: string, problem: string, what = 'object key') {
    super(`invalid ${what} ${JSON.stringify(key)}: ${problem}`);
    this.key = key;
    this.problem = problem;
  }
}

/**
 * Bytes that are not a BSON ObjectRef `{endpoint, key, version}`.
 *
 * @example
 * ```ts
 * import { FlameObjectRefError } from 'flame-pie-rx/flame/cache';
 * new FlameObjectRefError('missing endpoint').message; // => 'invalid ObjectRef: missing endpoint'
 * ```
 */
export class FlameObjectRefError extends ClientError {
  constructor(problem: string, options: { cause?: unknown } = {}) {
    super(`invalid ObjectRef: ${problem}`, options);
  }
}

/**
 * The cache server broke its stream rules (a Get without header first, a gap in part
 * versions, an undecodable Arrow batch, ...). `method` is the RPC.
 *
 * @example
 * ```ts
 * import { FlameCacheProtocolError } from 'flame-pie-rx/flame/cache';
 * new FlameCacheProtocolError('Get', 'first message is not a header').message;
 * // => 'Get: unexpected answer from the object cache: first message is not a header'
 * ```
 */
export class FlameCacheProtocolError extends ClientError {
  readonly method: string;

  constructor(method: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${method}: unexpected answer from the object cache: ${problem}`, options);
    this.method = method;
  }
}

/**
 * A payload or option the cache cannot take: not bytes, a `dataType` that is empty or over
 * 128 bytes, a JSON value that does not serialize, an object whose `dataType` a helper
 * refuses.
 *
 * @example
 * ```ts
 * import { FlameCachePayloadError } from 'flame-pie-rx/flame/cache';
 * new FlameCachePayloadError('payload must be bytes, got number').message;
 * ```
 */
export class FlameCachePayloadError extends ClientError {}
