// Server→client frames, encoded the way the engine writes them (protocol reference 2.2):
// `type` first, then the fields in their documented order, smallest integer encodings and
// bin for bytes.
import { encode } from '@msgpack/msgpack';

/** A `response` frame. */
export interface ResponseFrame {
  type: 'response';
  corr_id: number;
  ok: boolean;
  result: string;
}

/** A `process_event` frame. */
export interface ProcessEventFrame {
  type: 'process_event';
  process_id: string;
  event: 'stdout' | 'stderr' | 'message' | 'return' | 'error';
  value: string;
}

/** One chunk of a `file` frame. */
export interface FileFrame {
  type: 'file';
  process_id: string;
  file_hash: string;
  chunk_index: number;
  total_chunks: number;
  chunk_data: Uint8Array;
  /** Gateway generations only: the file's name, or nil (always written there). */
  name?: string | null;
}

/** An `mcp_request` frame (the server asks the client to call its MCP server). */
export interface McpRequestFrame {
  type: 'mcp_request';
  corr_id: number;
  process_id: string;
  server_name: string;
  method: string;
  params: string;
}

/** Any frame the emulated engine sends. */
export type ServerFrame = ResponseFrame | ProcessEventFrame | FileFrame | McpRequestFrame;

/**
 * Builds a `response` frame with its fields in wire order.
 *
 * @example
 * ```ts
 * responseFrame(1, true, 'Pong'); // => { type: 'response', corr_id: 1, ok: true, result: 'Pong' }
 * ```
 */
export function responseFrame(corrId: number, ok: boolean, result: string): ResponseFrame {
  return { type: 'response', corr_id: corrId, ok, result };
}

/**
 * Builds a `process_event` frame with its fields in wire order.
 *
 * @example
 * ```ts
 * processEventFrame(id, 'stdout', 'hello');
 * ```
 */
export function processEventFrame(processId: string, event: ProcessEventFrame['event'], value: string): ProcessEventFrame {
  return { type: 'process_event', process_id: processId, event, value };
}

/**
 * Builds one `file` chunk frame with its fields in wire order.
 *
 * @example
 * ```ts
 * fileFrame(id, hash, 0, 1, bytes);
 * ```
 */
export function fileFrame(
  processId: string,
  fileHash: string,
  chunkIndex: number,
  totalChunks: number,
  chunkData: Uint8Array,
  name?: string | null,
): FileFrame {
  const frame: FileFrame = { type: 'file', process_id: processId, file_hash: fileHash, chunk_index: chunkIndex, total_chunks: totalChunks, chunk_data: chunkData };
  if (name !== undefined) frame.name = name;
  return frame;
}

/**
 * Builds an `mcp_request` frame with its fields in wire order.
 *
 * @example
 * ```ts
 * mcpRequestFrame(1, id, 'files', 'tools/list', '{}');
 * ```
 */
export function mcpRequestFrame(corrId: number, processId: string, serverName: string, method: string, params: string): McpRequestFrame {
  return { type: 'mcp_request', corr_id: corrId, process_id: processId, server_name: serverName, method, params };
}

/**
 * Encodes a server frame as MessagePack bytes (object key order is the wire order; numbers
 * use the smallest unsigned encoding; Uint8Array becomes bin).
 *
 * @example
 * ```ts
 * Buffer.from(encodeServerFrame(responseFrame(1, true, 'Pong'))).toString('hex');
 * // => '84a474797065a8726573706f6e7365a7636f72725f696401a26f6bc3a6726573756c74a4506f6e67'
 * ```
 */
export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  return encode(frame);
}
