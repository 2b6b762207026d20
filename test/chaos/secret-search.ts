// Searching an error for secrets: its message, every `cause` below it, util.inspect and JSON.
import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Everything an error shows of itself and of its causes, as one text. */
export function everythingShown(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    parts.push(String((current as Error).message ?? current), inspect(current, { depth: 6 }));
    try {
      parts.push(JSON.stringify(current));
    } catch {
      parts.push('(not JSON)');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** Asserts that `error` is an Error and shows none of `secrets`. */
export function expectNoSecretOf(error: unknown, secrets: readonly string[]): void {
  expect(error).toBeInstanceOf(Error);
  const shown = everythingShown(error);
  for (const secret of secrets) expect(shown.includes(secret), `error shows a secret: ${shown.slice(0, 400)}`).toBe(false);
}
