/**
 * Typed Pie wire messages (spec sections 2.1 and 2.2). Field names are the wire names.
 *
 * Client→server request messages are written here WITHOUT `corr_id`: the connection adds a
 * fresh one when it sends them. `mcp_response` is the exception: its `corr_id` is the
 * server's id being echoed, so it is part of the message.
 */

/** A MessagePack `uint` (up to 64 bits): a safe-integer number or a bigint for larger values. */
export type PieUint = number | bigint;

export interface AuthIdentifyMessage {
  readonly type: 'auth_identify';
  readonly username: string;
}
export interface AuthProveMessage {
  readonly type: 'auth_prove';
  /** Standard base64 (with padding) of the signature over the decoded challenge. */
  readonly signature: string;
}
export interface AuthByTokenMessage {
  readonly type: 'auth_by_token';
  readonly token: string;
}
export interface PingMessage {
  readonly type: 'ping';
}
export interface QueryMessage {
  readonly type: 'query';
  readonly subject: string;
  readonly record: string;
}
export interface CheckProgramMessage {
  readonly type: 'check_program';
  readonly name: string;
  readonly version: string;
  readonly wasm_hash?: string;
  readonly manifest_hash?: string;
}
export interface AddProgramMessage {
  readonly type: 'add_program';
  readonly program_hash: string;
  /** The manifest TOML (0.4, 0.5; absent in 0.6). */
  readonly manifest?: string;
  /** 0.6: the artifact's file name (e.g. `app.wasm`). */
  readonly file?: string;
  /** 0.6: the version to install as (absent: the engine decides). */
  readonly version?: string;
  readonly force_overwrite: boolean;
  readonly chunk_index: PieUint;
  readonly total_chunks: PieUint;
  readonly chunk_data: Uint8Array;
}
export interface LaunchProcessMessage {
  readonly type: 'launch_process';
  readonly inferlet: string;
  readonly input: string;
  readonly capture_outputs: boolean;
  /** 0.4 only: a hard cap on the tokens processed. */
  readonly token_budget?: PieUint;
  /** 0.6: scheduling props as the JSON text of an object (never nil). */
  readonly props?: string;
  /** 0.6: a session id, 1 to 128 bytes. */
  readonly session?: string;
  /** 0.6: named blobs attached at launch (never nil). */
  readonly files?: Readonly<Record<string, Uint8Array>>;
}
export interface LaunchProcessesMessage {
  readonly type: 'launch_processes';
  readonly inferlet: string;
  readonly inputs: readonly string[];
  readonly capture_outputs: boolean;
  /** One optional budget per input; `null` means "no budget" for that input. */
  readonly token_budgets?: readonly (PieUint | null)[];
}
export interface RunProcessesMessage {
  readonly type: 'run_processes';
  readonly inferlet: string;
  readonly inputs: readonly string[];
  readonly token_budgets?: readonly (PieUint | null)[];
}
export interface LaunchDaemonMessage {
  readonly type: 'launch_daemon';
  readonly port: number;
  readonly inferlet: string;
  readonly input: string;
}
export interface AttachProcessMessage {
  readonly type: 'attach_process';
  readonly process_id: string;
}
export interface TerminateProcessMessage {
  readonly type: 'terminate_process';
  readonly process_id: string;
}
export interface ListProcessesMessage {
  readonly type: 'list_processes';
}
export interface SignalProcessMessage {
  readonly type: 'signal_process';
  readonly process_id: string;
  readonly message: string;
}
export interface TransferFileMessage {
  readonly type: 'transfer_file';
  readonly process_id: string;
  readonly file_hash: string;
  readonly chunk_index: PieUint;
  readonly total_chunks: PieUint;
  readonly chunk_data: Uint8Array;
}
export interface RegisterMcpServerMessage {
  readonly type: 'register_mcp_server';
  readonly name: string;
  readonly transport: string;
  readonly command?: string;
  readonly args?: readonly string[];
  readonly url?: string;
}
export interface McpResponseMessage {
  readonly type: 'mcp_response';
  /** The server's id from the `mcp_request` being answered (server id space). */
  readonly corr_id: number;
  readonly ok: boolean;
  readonly result: string;
}
export interface SubmitWorkflowMessage {
  readonly type: 'submit_workflow';
  readonly json: string;
}
export interface CancelWorkflowMessage {
  readonly type: 'cancel_workflow';
  readonly workflow_id: string;
}
export interface AttachWorkflowMessage {
  readonly type: 'attach_workflow';
  readonly workflow_id: string;
}
export interface DetachWorkflowMessage {
  readonly type: 'detach_workflow';
  readonly workflow_id: string;
}

/** The 19 client messages that carry a connection-assigned `corr_id` (the 18 answered kinds plus `add_program`). */
export type PieRequestMessage =
  | AuthIdentifyMessage
  | AuthProveMessage
  | AuthByTokenMessage
  | PingMessage
  | QueryMessage
  | CheckProgramMessage
  | AddProgramMessage
  | LaunchProcessMessage
  | LaunchProcessesMessage
  | RunProcessesMessage
  | LaunchDaemonMessage
  | AttachProcessMessage
  | TerminateProcessMessage
  | ListProcessesMessage
  | RegisterMcpServerMessage
  | SubmitWorkflowMessage
  | CancelWorkflowMessage
  | AttachWorkflowMessage
  | DetachWorkflowMessage;

/** The 3 client messages that are never answered and get no connection-assigned `corr_id`. */
export type PieFireAndForgetMessage = SignalProcessMessage | TransferFileMessage | McpResponseMessage;

/** All 22 client→server message kinds of 0.4 (gateways know 12 of them: `clientMessageTypes('0.5')`). */
export type PieClientMessage = PieRequestMessage | PieFireAndForgetMessage;

/** The `type` strings of all client messages. */
export type PieClientMessageType = PieClientMessage['type'];

/**
 * The `type` of each of the 22 client→server messages, in spec order.
 *
 * @example
 * ```ts
 * import { PIE_CLIENT_MESSAGE_TYPES } from 'flame-pie-rx/pie';
 * PIE_CLIENT_MESSAGE_TYPES.length; // => 22
 * ```
 */
export const PIE_CLIENT_MESSAGE_TYPES: readonly PieClientMessageType[] = Object.freeze([
  'auth_identify',
  'auth_prove',
  'auth_by_token',
  'ping',
  'query',
  'check_program',
  'add_program',
  'launch_process',
  'launch_processes',
  'run_processes',
  'launch_daemon',
  'attach_process',
  'terminate_process',
  'list_processes',
  'signal_process',
  'transfer_file',
  'register_mcp_server',
  'mcp_response',
  'submit_workflow',
  'cancel_workflow',
  'attach_workflow',
  'detach_workflow',
] as const);

/** A reply to a request. `ok=false` is a server-side refusal that the caller interprets. */
export interface PieResponse {
  readonly type: 'response';
  readonly corr_id: number;
  readonly ok: boolean;
  readonly result: string;
}

/** One event of a process (spec 4.3). */
export interface PieProcessEventFrame {
  readonly type: 'process_event';
  readonly process_id: string;
  readonly event: string;
  readonly value: string;
}

/** One chunk of a file sent by an inferlet (spec 4.4). */
export interface PieFileFrame {
  readonly type: 'file';
  readonly process_id: string;
  readonly file_hash: string;
  readonly chunk_index: number;
  readonly total_chunks: number;
  readonly chunk_data: Uint8Array;
  /** Gateways: the sender's suggested file name (absent or nil when it gave none). Not sanitised here. */
  readonly name?: string;
}

/** The server asks the client to call a client-side MCP server (spec 2.6; 0.4 only); `corr_id` is in the server's id space. */
export interface PieMcpRequestFrame {
  readonly type: 'mcp_request';
  readonly corr_id: number;
  readonly process_id: string;
  readonly server_name: string;
  readonly method: string;
  readonly params: string;
}

/** Server frames that are not replies to a request. */
export type PiePushFrame = PieProcessEventFrame | PieFileFrame | PieMcpRequestFrame;

/** All 4 server→client message kinds. */
export type PieServerMessage = PieResponse | PiePushFrame;

/**
 * Whether a client message gets a connection-assigned `corr_id` (and, except for
 * intermediate `add_program` chunks, a response).
 *
 * @example
 * ```ts
 * import { isPieRequestMessage } from 'flame-pie-rx/pie';
 * isPieRequestMessage({ type: 'ping' }); // => true
 * isPieRequestMessage({ type: 'signal_process', process_id: 'p', message: 'hi' }); // => false
 * ```
 */
export function isPieRequestMessage(message: PieClientMessage): message is PieRequestMessage {
  return message.type !== 'signal_process' && message.type !== 'transfer_file' && message.type !== 'mcp_response';
}
