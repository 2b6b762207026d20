import { ClientError } from '../../model/errors.js';

/**
 * A Flame endpoint that cannot be used: not a URL, a scheme other than `http`/`https`, a
 * path, user info or a port out of range. Not retryable: the text itself is wrong.
 *
 * @example
 * ```ts
 * import { FlameEndpointError, parseFlameEndpoint } from 'flame-pie-rx/flame';
 * try { parseFlameEndpoint('ftp://host:1'); } catch (e) { e instanceof FlameEndpointError; } // => true
 * ```
 */
export class FlameEndpointError extends ClientError {
  /** The endpoint as given, with any user info replaced by `[redacted]`. */
  readonly endpoint: string;

  constructor(endpoint: string, reason: string) {
    const shown = redactUserInfo(endpoint);
    super(`invalid Flame endpoint ${JSON.stringify(shown)}: ${reason}`);
    this.endpoint = shown;
  }
}

/**
 * The TLS settings of a channel cannot be used: the CA file cannot be read, or it (or the
 * inline CA text) holds no valid PEM certificate. `caFile` names the file when there is one.
 *
 * @example
 * ```ts
 * import { FlameTlsConfigError, FlameChannel } from 'flame-pie-rx/flame';
 * try { new FlameChannel('https://flame:8080', { caFile: '/missing.pem' }); }
 * catch (e) { (e as FlameTlsConfigError).caFile; } // => '/missing.pem'
 * ```
 */
export class FlameTlsConfigError extends ClientError {
  readonly caFile?: string;

  constructor(message: string, options: { caFile?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    if (options.caFile !== undefined) this.caFile = options.caFile;
  }
}

/** `scheme://user:pass@host` → `scheme://[redacted]@host`, so credentials never reach a message. */
function redactUserInfo(endpoint: string): string {
  return endpoint.replace(/^([^:/?#]*:\/\/)[^/?#@]*@/, '$1[redacted]@');
}

/**
 * A channel or call option out of range (a receive limit, keepalive time or deadline that
 * is not a positive integer / non-negative number).
 *
 * @example
 * ```ts
 * import { FlameTransportOptionError, FlameChannel } from 'flame-pie-rx/flame';
 * try { new FlameChannel('http://127.0.0.1:8080', { keepaliveTimeMs: -1 }); }
 * catch (e) { e instanceof FlameTransportOptionError; } // => true
 * ```
 */
export class FlameTransportOptionError extends ClientError {
  readonly option: string;

  constructor(option: string, reason: string) {
    super(`invalid Flame transport option ${option}: ${reason}`);
    this.option = option;
  }
}

/**
 * A call was started on a channel after `close()`. Not retryable: open a new channel.
 *
 * @example
 * ```ts
 * import { FlameChannelClosedError } from 'flame-pie-rx/flame';
 * new FlameChannelClosedError('GetTask').message; // => 'GetTask: the Flame channel is closed'
 * ```
 */
export class FlameChannelClosedError extends ClientError {
  readonly method: string;

  constructor(method: string) {
    super(`${method}: the Flame channel is closed`);
    this.method = method;
  }
}
