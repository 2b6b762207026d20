// Entry point `flame-pie-rx/pie` (browser build): the Pie client and its model.
// Browser-safe: nothing on this path imports a Node-only module. Under Node the same
// specifier resolves to ./pie-node.ts, which adds the Node implementations (key files,
// local files, the MCP stdio bridge). Only the public API is exported here.
export type { CredentialEcho } from './model/errors.js';
export {
  PieAuthError,
  PieConnectionLostError,
  PieError,
  type PieErrorOptions,
  PieFileError,
  PieKeyError,
  PieNotFoundError,
  PieProcessFailedError,
  PieProcessLostError,
  PieProgramIdError,
  PieProtocolError,
  PieRequestError,
  PieReturnValueError,
  PieTimeoutError,
  PieUploadError,
} from './model/pie/errors.js';
export {
  PROCESS_EVENT_KINDS,
  type ProcessErrorEvent,
  type ProcessEvent,
  type ProcessEventKind,
  type ProcessEventOf,
  type ProcessFileEvent,
  type ProcessMessageEvent,
  type ProcessReturnEvent,
  type ProcessStderrEvent,
  type ProcessStdoutEvent,
  type ProcessTerminalEvent,
  isTerminalEvent,
} from './model/pie/events.js';
export { hashBlob } from './model/pie/hash.js';
export { CHUNK_SIZE } from './model/pie/chunks.js';
export { type ProgramId, formatProgramId, parseProgramId } from './model/pie/program-id.js';
export { PieProcessIdError, normalizeProcessId } from './model/pie/process-id.js';
export { type LoadPrivateKeyOptions, type PieKeyAlgorithm, type PieSigner, loadPrivateKey, signerFromFunction } from './model/pie/keys.js';
export { ecdsaSignatureToDer } from './model/pie/ecdsa-der.js';
export { type ModelMetricValue, type ModelMetrics, type ModelStatus, type ProcessInfo } from './model/pie/results.js';
export { PieClient, type PieClientOptions } from './observables/pie/pie-client.js';
export { type PieCredentials } from './observables/pie/connection/credentials.js';
export { type PieProcess } from './observables/pie/processes/process-handle.js';
export { type LaunchOptions } from './observables/pie/processes/process-launch.js';
export { endAtTerminalEvent } from './observables/pie/processes/end-at-terminal-event.js';
export { type ReleasePolicy } from './observables/pie/processes/process-route.js';
export { type LaunchManyOptions } from './observables/pie/processes/process-batch.js';
export {
  type AddProgramOptions,
  type CheckProgramOptions,
  type ManifestSource,
  type UploadProgress,
  type WasmSource,
} from './observables/pie/programs/programs.js';
export { type PieWorkflow } from './observables/pie/workflows/workflow.js';
export { type BoundedAsyncIterable, type ToAsyncIterableOptions, toAsyncIterable } from './observables/pie/processes/to-async-iterable.js';
export { type McpErrorObject, type McpServerCommand } from './observables/pie/mcp/stdio-mcp-server.js';
export { DEFAULT_HEARTBEAT, DEFAULT_REQUEST_TIMEOUT_MS, type PieConnectionOptions } from './transport/ws/connection-options.js';
export { type HeartbeatOptions, type HeartbeatSettings } from './transport/ws/heartbeat.js';
export { type WebSocketFactory, type WebSocketLike } from './transport/ws/socket.js';
export { PieGenerationError, PieUnsupportedError, PieUpgradeError } from './model/pie/errors.js';
export { GATEWAY_PATH, PIE_GENERATIONS, type PieGeneration, type PieGenerationOption, type PieWireDialect, isGateway } from './transport/ws/generations.js';
export { IDENTITY_HEADER, type IdentityOptions } from './observables/pie/connection/identity.js';
export { type PieCapability, capabilitiesOf } from './observables/pie/generations/capabilities.js';
export { type PieServerKind } from './observables/pie/generations/generation-tracker.js';
export { type WebSocketInit } from './transport/ws/socket.js';
export { sanitizeFileName } from './model/pie/chunks.js';
export { type AbortOptions } from './interop/abortable.js';
