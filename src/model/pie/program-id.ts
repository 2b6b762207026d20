import { PieProgramIdError } from './errors.js';

/** The identifier pattern the engine enforces (spec 2.4.3, 5.1). */
const PROGRAM_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*@\d+\.\d+\.\d+$/;

/** A program identity: `name@major.minor.patch` split at the `@`. */
export interface ProgramId {
  readonly name: string;
  readonly version: string;
}

/**
 * Validates a program identifier the way the engine does (no pre-release or build
 * suffixes, no bare names) and splits it. Anything else throws `PieProgramIdError` with the
 * engine's own wording.
 *
 * @example
 * ```ts
 * import { parseProgramId } from 'flame-pie-rx/pie';
 * parseProgramId('text-completion@0.1.0'); // => { name: 'text-completion', version: '0.1.0' }
 * ```
 */
export function parseProgramId(text: string): ProgramId {
  if (typeof text !== 'string' || !PROGRAM_ID.test(text)) {
    throw new PieProgramIdError(typeof text === 'string' ? text : String(text));
  }
  const at = text.indexOf('@');
  return { name: text.slice(0, at), version: text.slice(at + 1) };
}

/**
 * Joins a name and version into `name@version`, validating the result like `parseProgramId`.
 *
 * @example
 * ```ts
 * import { formatProgramId } from 'flame-pie-rx/pie';
 * formatProgramId({ name: 'chat', version: '1.2.3' }); // => 'chat@1.2.3'
 * ```
 */
export function formatProgramId(id: ProgramId): string {
  const text = `${id.name}@${id.version}`;
  parseProgramId(text);
  return text;
}

/** A bare program name, which gateways accept at launch (pie-gateway.md 4.1). */
const BARE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

/**
 * Checks the program named at launch: `name@major.minor.patch` everywhere, and on a
 * gateway also a bare `name` (the installed or built-in version, e.g. `compat-openai`).
 * Anything else throws `PieProgramIdError`.
 *
 * @example
 * ```ts
 * import { checkLaunchProgram } from 'flame-pie-rx/pie';
 * checkLaunchProgram('compat-openai', true); // ok on a gateway
 * checkLaunchProgram('compat-openai', false); // throws PieProgramIdError
 * ```
 */
export function checkLaunchProgram(text: string, allowBareName: boolean): void {
  if (allowBareName && typeof text === 'string' && BARE_NAME.test(text)) return;
  parseProgramId(text);
}
