// How the CLI prints: aligned tables for people, JSON for scripts, and one exit code per outcome.

/** Exit codes: 0 done, 1 the operation failed (a task, a process, a server error), 2 bad usage, 3 unreachable, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, interrupted: 130 } as const;

/** A failure the CLI reports in one line and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** Values as JSON: bytes as UTF-8 text, dates as ISO strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      return v;
    },
    2,
  );
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An aligned text table with a header row. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const header = columns.map((c) => c.toUpperCase());
  const body = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [header, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** A `key: value` block for one object. */
export function details(record: Record<string, unknown>): string {
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${`${k}:`.padEnd(width + 1)} ${cell(record[k])}`).join('\n');
}

/** Prints rows as a table, or as JSON with `--json`. */
export function printRows(json: boolean, rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  process.stdout.write(`${json ? toJson(rows) : table(rows, columns)}\n`);
}

/** Prints one object as a block, or as JSON with `--json`. */
export function printOne(json: boolean, record: object): void {
  process.stdout.write(`${json ? toJson(record) : details(record as Record<string, unknown>)}\n`);
}
