import { PieError } from './errors.js';

/**
 * A process id that is not a UUID in any spelling the engine accepts.
 *
 * @example
 * ```ts
 * import { PieProcessIdError } from 'flame-pie-rx/pie';
 * new PieProcessIdError('nope').message; // => "invalid process id 'nope': expected a UUID"
 * ```
 */
export class PieProcessIdError extends PieError {
  readonly processId: string;

  constructor(processId: string) {
    super(`invalid process id '${processId}': expected a UUID`);
    this.processId = processId;
  }
}

const HEX32 = /^[0-9a-f]{32}$/;
const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Brings a process id to the form the engine puts on every event: lowercase hyphenated
 * (36 characters). Accepts the spellings the engine accepts (spec 2.4.9): with or without
 * hyphens, in braces, with a `urn:uuid:` prefix, any case. Anything else throws
 * `PieProcessIdError`.
 *
 * @example
 * ```ts
 * import { normalizeProcessId } from 'flame-pie-rx/pie';
 * normalizeProcessId('{67E55044-10B1-426F-9247-BB680E5FE0C8}'); // => '67e55044-10b1-426f-9247-bb680e5fe0c8'
 * ```
 */
export function normalizeProcessId(text: string): string {
  if (typeof text !== 'string') throw new PieProcessIdError(String(text));
  // The engine always sends the canonical form (spec 2.4.9): no work for the common case.
  if (HYPHENATED.test(text)) return text;
  let body = text.toLowerCase();
  if (body.startsWith('urn:uuid:')) body = body.slice('urn:uuid:'.length);
  else if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  let hex: string;
  if (HYPHENATED.test(body)) hex = body.replace(/-/g, '');
  else if (HEX32.test(body)) hex = body;
  else throw new PieProcessIdError(text);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
