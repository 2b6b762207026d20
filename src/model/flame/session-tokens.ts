// Session tokens (Flame 0.7, flame-0.7.md 3.3): secrets kept out of every printout.
import { inspect } from 'node:util';
import { SessionOptionsError } from './errors.js';

const REDACTED = '[redacted]';

/**
 * A session's tokens (service name → credential), held so that they never show: printing,
 * `JSON.stringify` and `util.inspect` give the service names only, with each value
 * redacted. `entries()` hands out the values for the wire. Names must be non-empty
 * strings and values strings; otherwise `SessionOptionsError` (which names the service,
 * never the value).
 *
 * @example
 * ```ts
 * import { SessionTokens } from 'flame-pie-rx/flame';
 * const tokens = SessionTokens.from({ s3: 'AKIA-secret' })!;
 * JSON.stringify(tokens); // => '{"s3":"[redacted]"}'
 * ```
 */
export class SessionTokens {
  readonly #entries: ReadonlyMap<string, string>;

  private constructor(entries: ReadonlyMap<string, string>) {
    this.#entries = entries;
  }

  /** Tokens from a record; undefined for none (absent or empty). */
  static from(record: Readonly<Record<string, string>> | SessionTokens | undefined): SessionTokens | undefined {
    if (record === undefined) return undefined;
    if (record instanceof SessionTokens) return record.size === 0 ? undefined : record;
    if (typeof record !== 'object' || record === null) {
      throw new SessionOptionsError('session tokens must be an object of service name → token');
    }
    const entries = new Map<string, string>();
    for (const [service, token] of Object.entries(record)) {
      if (service === '') throw new SessionOptionsError('session token service names must not be empty');
      if (typeof token !== 'string') {
        throw new SessionOptionsError(`session token for service ${JSON.stringify(service)} must be a string`);
      }
      entries.set(service, token);
    }
    return entries.size === 0 ? undefined : new SessionTokens(entries);
  }

  /** Number of tokens. */
  get size(): number {
    return this.#entries.size;
  }

  /** The service names (not secret). */
  services(): string[] {
    return [...this.#entries.keys()];
  }

  /** The tokens as a plain record, for the wire only. */
  toRecord(): Record<string, string> {
    return Object.fromEntries(this.#entries);
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.services().map((s) => [s, REDACTED]));
  }

  toString(): string {
    return `SessionTokens(${this.services().join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
