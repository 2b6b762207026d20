// Byte-exact result and error texts of the Pie engine (protocol reference, section 2.5).
// Builders take the variable parts; everything else is fixed text.

/**
 * Fixed result texts the emulated engine writes into `response.result`.
 *
 * @example
 * ```ts
 * import { PIE_TEXT } from 'flame-pie-rx/testing';
 * PIE_TEXT.pong; // => 'Pong'
 * ```
 */
export const PIE_TEXT = {
  pong: 'Pong',
  authDisabled: 'Authenticated (Engine disabled authentication)',
  authenticated: 'Authenticated',
  alreadyAuthenticated: 'Already authenticated',
  noPendingAuthentication: 'No pending authentication',
  signatureVerificationFailed: 'Signature verification failed',
  invalidToken: 'Invalid token',
  programInstalled: 'Program installed successfully',
  firstChunkIndex: 'First chunk index must be 0',
  serverLaunched: 'server launched',
  invalidProcessIdAttach: 'Invalid process_id',
  invalidProcessIdTerminate: 'Invalid process ID',
  processNotFound: 'Process not found',
  permissionDenied: 'Permission denied',
  processAttached: 'Process attached',
  processTerminated: 'Process terminated',
  mcpServerRegistered: 'MCP server registered',
  workflowNoSteps: 'Workflow has no executable steps',
  workflowCancelled: 'Workflow cancelled',
  invalidWorkflowId: 'Invalid workflow ID',
  serviceNotFound: 'Service not found',
  workflowNotFound: 'Workflow not found',
  workflowAlreadyAttached: 'already attached',
  workflowAttached: 'Workflow attached',
  workflowDetached: 'Workflow detached',
  signalError: 'Signal',
  cancelledError: 'cancelled',
  noRunInterface: "No 'run' interface found",
  compileFailed: 'Failed to compile WASM: failed to parse WebAssembly module',
  loopLimit: 'Loop exceeded 1000 iterations',
} as const;

/**
 * `User '<u>' is not authorized`.
 *
 * @example
 * ```ts
 * userNotAuthorized('bob'); // => "User 'bob' is not authorized"
 * ```
 */
export function userNotAuthorized(username: string): string {
  return `User '${username}' is not authorized`;
}

/**
 * `Invalid signature encoding: <detail>`.
 *
 * @example
 * ```ts
 * invalidSignatureEncoding('Invalid padding'); // => 'Invalid signature encoding: Invalid padding'
 * ```
 */
export function invalidSignatureEncoding(detail: string): string {
  return `Invalid signature encoding: ${detail}`;
}

/**
 * `Invalid program identifier '<id>': expected 'name@major.minor.patch'`.
 *
 * @example
 * ```ts
 * invalidProgramIdentifier('x'); // => "Invalid program identifier 'x': expected 'name@major.minor.patch'"
 * ```
 */
export function invalidProgramIdentifier(id: string): string {
  return `Invalid program identifier '${id}': expected 'name@major.minor.patch'`;
}

/**
 * `Chunk count mismatch: expected <a>, got <b>`.
 *
 * @example
 * ```ts
 * chunkCountMismatch(3, 4); // => 'Chunk count mismatch: expected 3, got 4'
 * ```
 */
export function chunkCountMismatch(expected: number, got: number): string {
  return `Chunk count mismatch: expected ${expected}, got ${got}`;
}

/**
 * `Out-of-order chunk: expected <a>, got <b>`.
 *
 * @example
 * ```ts
 * outOfOrderChunk(1, 2); // => 'Out-of-order chunk: expected 1, got 2'
 * ```
 */
export function outOfOrderChunk(expected: number, got: number): string {
  return `Out-of-order chunk: expected ${expected}, got ${got}`;
}

/**
 * `upload exceeds max_upload_mb cap of <N> MiB`.
 *
 * @example
 * ```ts
 * uploadCapExceeded(256); // => 'upload exceeds max_upload_mb cap of 256 MiB'
 * ```
 */
export function uploadCapExceeded(capMb: number): string {
  return `upload exceeds max_upload_mb cap of ${capMb} MiB`;
}

/**
 * `Invalid manifest: Failed to parse manifest TOML: <detail>`.
 *
 * @example
 * ```ts
 * invalidManifest('missing field `package`');
 * ```
 */
export function invalidManifest(detail: string): string {
  return `Invalid manifest: Failed to parse manifest TOML: ${detail}`;
}

/**
 * `Failed to download manifest from <url>: error sending request for url (<url>)`: the
 * registry could not be reached (the real engine's text when nothing listens there).
 *
 * @example
 * ```ts
 * registryUnreachable('http://127.0.0.1:9/api/v1/inferlets/x/1.0.0/manifest');
 * ```
 */
export function registryUnreachable(url: string): string {
  return `Failed to download manifest from ${url}: error sending request for url (${url})`;
}

/**
 * `Failed to download manifest: <url> returned 404 Not Found` (an unknown program).
 *
 * @example
 * ```ts
 * manifestNotFound('https://registry.example/api/v1/inferlets/x/1.0.0/manifest');
 * ```
 */
export function manifestNotFound(url: string): string {
  return `Failed to download manifest: ${url} returned 404 Not Found`;
}

/**
 * `token_budgets length <A> does not match inputs length <B>`.
 *
 * @example
 * ```ts
 * tokenBudgetsMismatch(1, 2); // => 'token_budgets length 1 does not match inputs length 2'
 * ```
 */
export function tokenBudgetsMismatch(budgets: number, inputs: number): string {
  return `token_budgets length ${budgets} does not match inputs length ${inputs}`;
}

/**
 * `Invalid workflow JSON: <detail>`.
 *
 * @example
 * ```ts
 * invalidWorkflowJson('expected value at line 1 column 1');
 * ```
 */
export function invalidWorkflowJson(detail: string): string {
  return `Invalid workflow JSON: ${detail}`;
}

/**
 * `No client session for process <id>` (an MCP call from a process nobody is attached to).
 *
 * @example
 * ```ts
 * noClientSession('6f1c…'); // => 'No client session for process 6f1c…'
 * ```
 */
export function noClientSession(processId: string): string {
  return `No client session for process ${processId}`;
}

/**
 * `MCP server '<name>' not registered`.
 *
 * @example
 * ```ts
 * mcpServerNotRegistered('files'); // => "MCP server 'files' not registered"
 * ```
 */
export function mcpServerNotRegistered(name: string): string {
  return `MCP server '${name}' not registered`;
}

/**
 * The emulator's own error event for an uploaded component with a `run` export but no code
 * registered for it (the emulator cannot run WebAssembly; no real engine says this).
 *
 * @example
 * ```ts
 * noInferletCode('echo@1.0.0'); // => 'PieEmulator has no code for echo@1.0.0: register it with registerInferlet'
 * ```
 */
export function noInferletCode(programId: string): string {
  return `PieEmulator has no code for ${programId}: register it with registerInferlet`;
}
