// The engine's process table (protocol reference 2.4.5–2.4.11, 4): creation with UUID v4 ids,
// running registered inferlet code, removal after the terminal event, the list JSON.
import { randomUUID } from 'node:crypto';
import { createInferletContext, type McpRelay } from './inferlet-context.js';
import { EmulatedProcess, type DetachMode, type LaunchExtras } from './process.js';
import type { ProgramStore } from './programs.js';
import { noInferletCode, PIE_TEXT } from './strings.js';

const UUID_BODY = /^[0-9a-fA-F]{32}$/;

/**
 * Parses a UUID in any standard spelling (hyphenated, simple, braced, `urn:uuid:`, any case)
 * and returns its canonical lowercase hyphenated form, or undefined.
 *
 * @example
 * ```ts
 * parseUuid('{6F9619FF-8B86-D011-B42D-00CF4FC964FF}'); // => '6f9619ff-8b86-d011-b42d-00cf4fc964ff'
 * ```
 */
export function parseUuid(text: string): string | undefined {
  let body = text;
  if (/^urn:uuid:/i.test(body)) body = body.slice(9);
  else if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  if (body.length === 36) {
    if (![8, 13, 18, 23].every((i) => body[i] === '-')) return undefined;
    body = body.replace(/-/g, '');
  }
  if (!UUID_BODY.test(body)) return undefined;
  const hex = body.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Every live process of the emulated engine.
 *
 * @example
 * ```ts
 * const table = new ProcessTable(programs, 'designed', relay);
 * const proc = table.spawn({ owner: 'alice', program: 'echo@1.0.0', input: '{}', capture: true });
 * ```
 */
export class ProcessTable {
  private readonly processes = new Map<string, EmulatedProcess>();

  constructor(
    private readonly programs: ProgramStore,
    private readonly detachMode: DetachMode,
    private readonly relay: McpRelay,
    /** Gateway generations: `file` frames carry a `name`. */
    private readonly fileNames = false,
  ) {}

  /** The live process with this canonical id. */
  get(id: string): EmulatedProcess | undefined {
    return this.processes.get(id);
  }

  /** All live processes. */
  all(): EmulatedProcess[] {
    return [...this.processes.values()];
  }

  /**
   * Creates a process and starts its code on a later tick (so the launch response is always
   * queued before the first event). A program whose uploaded component has no `run`
   * export fails with `No 'run' interface found`, as the engine's does; one that has it but
   * no code registered with `registerInferlet` fails with the emulator's own
   * `noInferletCode` text (the emulator cannot run WebAssembly).
   */
  spawn(init: { owner: string; program: string; input: string; capture: boolean; launch?: LaunchExtras }): EmulatedProcess {
    const process = new EmulatedProcess({
      id: randomUUID(),
      ...init,
      fileNames: this.fileNames,
      detachMode: this.detachMode,
      onFinished: (p) => this.processes.delete(p.id),
    });
    this.processes.set(process.id, process);
    setImmediate(() => this.run(process));
    return process;
  }

  private run(process: EmulatedProcess): void {
    if (process.finished) return;
    const handler = this.programs.handler(process.program);
    if (!this.programs.hasRunInterface(process.program)) {
      process.emit('error', PIE_TEXT.noRunInterface);
      return;
    }
    if (!handler) {
      process.emit('error', noInferletCode(process.program));
      return;
    }
    const ctx = createInferletContext(process, this.relay);
    Promise.resolve()
      .then(() => handler(ctx))
      .then(
        (value) => process.emit('return', typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)),
        (error: unknown) => process.emit('error', error instanceof Error ? error.message : String(error)),
      );
  }

  /** `list_processes` result: processes of `username`, keys in the engine's order. */
  listJson(username: string): string {
    const now = Date.now();
    return JSON.stringify(
      this.all()
        .filter((p) => p.owner === username)
        .map((p) => ({
          id: p.id,
          username: p.owner,
          program: p.program,
          input: p.input,
          elapsed_secs: Math.floor((now - p.createdAt) / 1000),
        })),
    );
  }

  /** Aborts every process (emulator shutdown) without sending anything. */
  abortAll(reason: Error): void {
    for (const process of this.processes.values()) {
      process.finished = true;
      process.abort.abort(reason);
    }
    this.processes.clear();
  }
}
