import { PieError, PieRequestError } from '../../../model/pie/errors.js';
import type { PieUint } from '../../../transport/ws/messages.js';

/**
 * The input string handed to the inferlet: a string is sent as it is (the caller owns its
 * format); any other value is JSON-stringified; `undefined` becomes `{}`, as the other
 * clients send.
 *
 * @example
 * ```ts
 * encodeProcessInput({ prompt: 'hi' }); // => '{"prompt":"hi"}'
 * encodeProcessInput('raw text'); // => 'raw text'
 * ```
 */
export function encodeProcessInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input === undefined) return '{}';
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    // A circular structure, a BigInt, a throwing toJSON: never the raw TypeError.
    throw new PieError(`process input cannot be sent as JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
  if (text === undefined) throw new PieError(`process input of type ${typeof input} cannot be sent as JSON`);
  return text;
}

/**
 * Checks a token budget (a non-negative integer) for the wire; `null`/`undefined` mean none.
 *
 * @example
 * ```ts
 * tokenBudget(512); // => 512
 * ```
 */
export function tokenBudget(value: number | null | undefined): PieUint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PieError(`token budget must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks one budget per input (`null`: none for that input); the lengths must match, or
 * `PieRequestError` of `request` with the engine's own wording is raised before sending
 * (what the engine's check would answer; `serverMessage` unset, as no engine said it).
 *
 * @example
 * ```ts
 * tokenBudgets([10, null], 2); // => [10, null]
 * tokenBudgets([1], 2); // throws PieRequestError 'launch_processes failed: token_budgets length 1 does not match inputs length 2'
 * ```
 */
export function tokenBudgets(
  values: readonly (number | null)[] | undefined,
  inputs: number,
  request: 'launch_processes' | 'run_processes' = 'launch_processes',
): (PieUint | null)[] | undefined {
  if (values === undefined) return undefined;
  if (values.length !== inputs) {
    throw new PieRequestError(request, `token_budgets length ${values.length} does not match inputs length ${inputs}`, {
      clientCheck: true,
    });
  }
  return values.map((value) => tokenBudget(value) ?? null);
}
