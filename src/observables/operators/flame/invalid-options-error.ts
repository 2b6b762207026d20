import { ClientError } from '../../../model/errors.js';

/**
 * An operator or client method was given an option it cannot work with (a concurrency of
 * 0, a negative polling interval, ...). Raised when the operator is built, before anything
 * is subscribed.
 *
 * @example
 * ```ts
 * import { runAll, InvalidOptionsError } from 'flame-pie-rx';
 * try { runAll(() => [], { concurrency: 0 }); } catch (e) { console.log(e instanceof InvalidOptionsError); } // true
 * ```
 */
export class InvalidOptionsError extends ClientError {
  /** The option that was rejected, e.g. `concurrency`. */
  readonly option: string;

  constructor(option: string, detail: string) {
    super(`invalid option ${option}: ${detail}`);
    this.option = option;
  }
}
