import { PieProtocolError } from './errors.js';

/** Text the inferlet wrote to stdout (one write, not line-buffered). */
export interface ProcessStdoutEvent {
  readonly kind: 'stdout';
  readonly processId: string;
  readonly text: string;
}

/** Text the inferlet wrote to stderr (one write). */
export interface ProcessStderrEvent {
  readonly kind: 'stderr';
  readonly processId: string;
  readonly text: string;
}

/** A message the inferlet sent through its session "send" API. */
export interface ProcessMessageEvent {
  readonly kind: 'message';
  readonly processId: string;
  readonly text: string;
}

/** A file the inferlet sent, reassembled from `file` frames and verified (blake3 `hash`). */
export interface ProcessFileEvent {
  readonly kind: 'file';
  readonly processId: string;
  readonly bytes: Uint8Array;
  readonly hash: string;
  /**
   * The sender's file name, sanitised with `sanitizeFileName` (gateways only, and only when
   * the inferlet gave one, e.g. `send-file-as`); absent otherwise.
   */
  readonly name?: string;
}

/** Terminal: the entry point returned; `value` is its raw return text (JSON by convention). */
export interface ProcessReturnEvent {
  readonly kind: 'return';
  readonly processId: string;
  readonly value: string;
}

/** Terminal: the process failed, trapped or was terminated (`Signal`). */
export interface ProcessErrorEvent {
  readonly kind: 'error';
  readonly processId: string;
  readonly message: string;
}

/**
 * One event of a Pie process (spec 4.3), discriminated on `kind`. `file` is not a wire event:
 * it stands for a completed incoming file.
 *
 * @example
 * ```ts
 * import type { ProcessEvent } from 'flame-pie-rx/pie';
 * const e: ProcessEvent = { kind: 'stdout', processId: 'p1', text: 'hi' };
 * ```
 */
export type ProcessEvent = ProcessStdoutEvent | ProcessStderrEvent | ProcessMessageEvent | ProcessFileEvent | ProcessReturnEvent | ProcessErrorEvent;

/** The `kind` of a process event: `'stdout' | 'stderr' | 'message' | 'file' | 'return' | 'error'`. */
export type ProcessEventKind = ProcessEvent['kind'];

/** The member of `ProcessEvent` with the given kind, e.g. `ProcessEventOf<'stdout'>` is `ProcessStdoutEvent`. */
export type ProcessEventOf<K extends ProcessEventKind> = Extract<ProcessEvent, { kind: K }>;

/** A terminal event: `return` or `error`. */
export type ProcessTerminalEvent = ProcessReturnEvent | ProcessErrorEvent;

/**
 * Every event kind, in the order of spec 4.3 (plus `file`).
 *
 * @example
 * ```ts
 * import { PROCESS_EVENT_KINDS } from 'flame-pie-rx/pie';
 * PROCESS_EVENT_KINDS.includes('stdout'); // => true
 * ```
 */
export const PROCESS_EVENT_KINDS: readonly ProcessEventKind[] = ['stdout', 'stderr', 'message', 'file', 'return', 'error'];

/**
 * Whether an event ends its process (`return` or `error`). Only the first terminal event of
 * a process counts (spec 4.3).
 *
 * @example
 * ```ts
 * import { isTerminalEvent } from 'flame-pie-rx/pie';
 * isTerminalEvent({ kind: 'return', processId: 'p1', value: '42' }); // => true
 * ```
 */
export function isTerminalEvent(event: ProcessEvent): event is ProcessTerminalEvent {
  return event.kind === 'return' || event.kind === 'error';
}

/**
 * Builds a `ProcessEvent` from a `process_event` frame's `process_id`, `event` and `value`.
 * Only the five wire events are accepted (`file` never arrives as an event); anything else,
 * or a non-string field, throws `PieProtocolError`.
 *
 * @example
 * ```ts
 * import { processEventFromWire } from 'flame-pie-rx/pie';
 * processEventFromWire('p1', 'error', 'Signal'); // => { kind: 'error', processId: 'p1', message: 'Signal' }
 * ```
 */
export function processEventFromWire(processId: string, event: string, value: string): ProcessEvent {
  if (typeof processId !== 'string') {
    throw new PieProtocolError(`process_event without a string process_id`);
  }
  if (typeof value !== 'string') {
    throw new PieProtocolError(`process_event ${String(event)} for ${processId} has a non-string value`);
  }
  switch (event) {
    case 'stdout':
    case 'stderr':
    case 'message':
      return { kind: event, processId, text: value };
    case 'return':
      return { kind: 'return', processId, value };
    case 'error':
      return { kind: 'error', processId, message: value };
    default:
      throw new PieProtocolError(`unknown process event ${JSON.stringify(event)} for process ${processId}`);
  }
}
