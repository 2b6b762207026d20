// What emulated inferlet code sees: the session API of a Pie process (input, output
// streams, messages, files both ways, signals, MCP) plus an abort signal.
import { chunkBlob } from '../../model/pie/chunks.js';
import { hashBlob } from '../../model/pie/hash.js';
import type { EmulatedProcess } from './process.js';
import { fileFrame } from './server-frames.js';
import { untilAborted } from '../../interop/until-aborted.js';

/**
 * The session API handed to emulated inferlet code.
 *
 * @example
 * ```ts
 * emu.registerInferlet('echo@1.0.0', async (ctx) => {
 *   ctx.stdout(`got ${ctx.input}\n`);
 *   ctx.send('ready');
 *   const go = await ctx.nextSignal();
 *   return JSON.stringify({ go });
 * });
 * ```
 */
export interface InferletContext {
  /** The launch input string (usually JSON text). */
  readonly input: string;
  /** The process id (lowercase hyphenated UUID). */
  readonly processId: string;
  /** One `stdout` event per call (bytes are decoded as lossy UTF-8); empty writes produce nothing. */
  stdout(text: string | Uint8Array): void;
  /** One `stderr` event per call; empty writes produce nothing. */
  stderr(text: string | Uint8Array): void;
  /** A `message` event (dropped when no connection is attached). */
  send(message: string): void;
  /**
   * Sends a file to the attached connection (256 KiB `file` chunks; empty → nothing; unattached
   * → dropped). In gateway generations every chunk carries `name` (nil when not given).
   */
  sendFile(bytes: Uint8Array, name?: string): void;
  /** 0.6 launches: the props the client attached (`cluster/` names and nulls removed); `{}` otherwise. */
  readonly props: Readonly<Record<string, unknown>>;
  /** 0.6 launches: the session id, if the client gave one. */
  readonly session: string | undefined;
  /** 0.6 launches: the files attached by name; empty otherwise. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The next `signal_process` message (FIFO). Rejects with `InferletInterruptedError` when the process ends. */
  nextSignal(): Promise<string>;
  /** Waits for the next file the client transfers (only files arriving while waiting are delivered). */
  receiveFile(): Promise<Uint8Array>;
  /**
   * Relays an MCP call through the attached connection (`mcp_request`); resolves with the
   * client's result JSON text. `params` is JSON text or a value to serialize.
   */
  mcp(server: string, method: string, params?: string | object): Promise<string>;
  /** Aborted when the process is terminated, cancelled or the emulator closes. */
  readonly aborted: AbortSignal;
}

/** Code of an emulated program: return a string (→ `return`), throw (→ `error` with the message). */
export type InferletHandler = (ctx: InferletContext) => Promise<string> | string;

/** Relays one MCP call for a process (supplied by the emulator). */
export type McpRelay = (process: EmulatedProcess, server: string, method: string, params: string) => Promise<string>;

const lossyUtf8 = new TextDecoder('utf-8');

function asText(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : lossyUtf8.decode(value);
}

/**
 * The name a gateway writes on `file` chunks: the part after the last `/` or `\\`, without NUL,
 * trimmed (seen on pie-server 0.5.2: `out/../x.png` arrives as `x.png`); nil when nothing is
 * left (the emulator's choice), or when none was given.
 *
 * @example
 * ```ts
 * gatewayFileName('out/../x.png'); // => 'x.png'
 * ```
 */
export function gatewayFileName(name: string | undefined): string | null {
  if (name === undefined) return null;
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/\0/g, '').trim();
  return base === '' || base === '.' || base === '..' ? null : base;
}

/**
 * Sends a blob from a process to its attached connection as `file` frames, all chunks
 * back-to-back in one queued item. Empty blobs and unattached processes produce nothing.
 *
 * @example
 * ```ts
 * sendProcessFile(proc, new TextEncoder().encode('abc'));
 * ```
 */
export function sendProcessFile(process: EmulatedProcess, bytes: Uint8Array, name?: string): void {
  if (process.finished || bytes.length === 0) return;
  const target = process.deliveryTarget();
  if (!target) return;
  // An empty blob sent no frame above, so chunkBlob's one-empty-chunk rule never applies here.
  const chunks = chunkBlob(bytes.slice());
  const hash = hashBlob(bytes);
  target.enqueue(async () => {
    for (const [index, chunk] of chunks.entries()) {
      await target.send(fileFrame(process.id, hash, index, chunks.length, chunk, process.fileNames ? gatewayFileName(name) : undefined));
    }
  });
}

/**
 * Builds the context for one process.
 *
 * @example
 * ```ts
 * const ctx = createInferletContext(proc, relay);
 * ctx.stdout('hello');
 * ```
 */
export function createInferletContext(process: EmulatedProcess, relay: McpRelay): InferletContext {
  const signal = process.abort.signal;
  const write = (event: 'stdout' | 'stderr', value: string | Uint8Array): void => {
    const text = asText(value);
    if (text.length > 0) process.emit(event, text);
  };
  return {
    input: process.input,
    processId: process.id,
    stdout: (text) => write('stdout', text),
    stderr: (text) => write('stderr', text),
    send: (message) => process.emit('message', message),
    sendFile: (bytes, name) => sendProcessFile(process, bytes, name),
    props: process.launch.props,
    session: process.launch.session,
    files: process.launch.files,
    nextSignal: () => untilAborted(signal, process.nextSignal()),
    receiveFile: () => untilAborted(signal, process.waitForFile()),
    mcp: (server, method, params = {}) =>
      untilAborted(signal, relay(process, server, method, typeof params === 'string' ? params : JSON.stringify(params))),
    aborted: signal,
  };
}
