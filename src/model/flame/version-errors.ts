// Errors of the two protocol versions (flame-0.7.md 5.1): a feature the server's version
// lacks, and a server that speaks neither version.
import { ClientError } from '../errors.js';

/** A Flame protocol version the client speaks. */
export type FlameVersion = '0.6' | '0.7';

/**
 * A feature was asked of a server whose Flame version does not have it (e.g.
 * `suspendSession` or session `tokens` on 0.6). Raised before anything is sent, so nothing
 * is lost silently. Names the feature, the server's version and the version that has it.
 *
 * @example
 * ```ts
 * import { FlameUnsupportedFeatureError } from 'flame-pie-rx/flame';
 * new FlameUnsupportedFeatureError('suspendSession', '0.6').message;
 * // => 'suspendSession needs Flame 0.7; the server speaks Flame 0.6'
 * ```
 */
export class FlameUnsupportedFeatureError extends ClientError {
  readonly feature: string;
  readonly version: FlameVersion;
  readonly requires: FlameVersion;

  constructor(feature: string, version: FlameVersion, requires: FlameVersion = '0.7') {
    super(`${feature} needs Flame ${requires}; the server speaks Flame ${version}`);
    this.feature = feature;
    this.version = version;
    this.requires = requires;
  }
}

/**
 * The server answered UNIMPLEMENTED to the probes of both versions (flame-0.7.md 5.1.1):
 * it is not a Flame 0.6 or 0.7 Frontend (or a proxy in front of it refuses both).
 *
 * @example
 * ```ts
 * import { FlameUnknownProtocolError } from 'flame-pie-rx/flame';
 * new FlameUnknownProtocolError('127.0.0.1:8080').message;
 * // => 'unknown Flame protocol at 127.0.0.1:8080: neither ListApplications (0.7) nor ListApplication (0.6) is served'
 * ```
 */
export class FlameUnknownProtocolError extends ClientError {
  readonly target: string;

  constructor(target: string, options: { cause?: unknown } = {}) {
    super(
      `unknown Flame protocol at ${target}: neither ListApplications (0.7) nor ListApplication (0.6) is served`,
      options,
    );
    this.target = target;
  }
}
