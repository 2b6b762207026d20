// Entry point `flame-pie-rx/flame`: the Flame client, its model and the service side.
// Only the public API is exported here (checked against etc/*.api.md by `npm run api:check`).
export { type TaskCodec, bytesCodec, jsonCodec, textCodec } from './model/flame/codec.js';
export {
  DEFAULT_FLAME_CACHE_ENDPOINT,
  DEFAULT_FLAME_ENDPOINT,
  type FlameConfig,
  type FlameTlsConfig,
  type LoadFlameConfigOptions,
  loadFlameConfig,
} from './model/flame/config.js';
export {
  ApplicationRequestError,
  ApplicationSpecError,
  CodecError,
  FlameConfigError,
  FlameDecodeError,
  ResourceRequirementError,
  ResourceRequirementParseError,
  SessionOptionsError,
  TaskFailedError,
} from './model/flame/errors.js';
export {
  DEFAULT_RESOURCE_REQUIREMENT,
  formatResourceRequirement,
  parseResourceRequirement,
  validateResourceRequirement,
} from './model/flame/resreq.js';
export { SESSION_ID_PATTERN, type SessionOptions, generateSessionId, validateSessionId } from './model/flame/session-options.js';
export {
  FlameAlreadyExistsError,
  FlameCancelledError,
  FlameDeadlineExceededError,
  FlameStatusTooLargeError,
  FlameError,
  FlameFailedPreconditionError,
  FlameInternalError,
  FlameInvalidArgumentError,
  FlameNotFoundError,
  FlameUnavailableError,
  GrpcStatusCode,
  flameErrorFromStatus,
} from './model/flame/status-errors.js';
export {
  type Application,
  type ApplicationSchema,
  type ApplicationSpec,
  type ApplicationSpecInput,
  type ApplicationState,
  type Environment,
  type Executor,
  type ExecutorState,
  type FlameEvent,
  type FlameNode,
  type NodeAddress,
  type NodeState,
  type ResourceRequirement,
  type Session,
  type SessionState,
  type Shim,
  type Task,
  type TaskState,
  isTerminalTaskState,
} from './model/flame/types.js';
export { getApplication, listApplications, registerApplication, unregisterApplication, updateApplication } from './observables/flame/applications.js';
export { FlameClient, type FlameConnectOptions } from './observables/flame/client.js';
export { getNode, listExecutors, listNodes } from './observables/flame/cluster.js';
export { type FlameClientCallOptions, type FlameClientContext } from './observables/flame/context.js';
export { type RunTaskOptions, type TaskCodecs, type TaskRunResult, invoke, run, runTask } from './observables/flame/run-task.js';
export { FlameSession } from './observables/flame/session-handle.js';
export { closeSession, deleteSession, getSession, listSessions } from './observables/flame/session-queries.js';
export { DEFAULT_SESSION_STATUS_INTERVAL_MS, type SessionStatusOptions, sessionStatus } from './observables/flame/session-status.js';
export { createSession, openOrCreateSession, openSession } from './observables/flame/sessions.js';
export { TaskWatchGaveUpError } from './observables/flame/task-watch-gave-up-error.js';
export { createTask, getTask, listTasks } from './observables/flame/tasks.js';
export { type WatchTaskOptions, watchTask } from './observables/flame/watch-task.js';
export { type WatchTaskCoreOptions, watchTaskWith } from './observables/flame/watch-task-core.js';
export { FlameServiceError } from './service/errors.js';
export {
  type FlameService,
  type FlameServiceHandle,
  type FlameServiceOptions,
  type FlameServiceSession,
  type FlameServiceTask,
  type MaybeAsync,
  serveFlameInstance,
} from './service/instance-server.js';
export { type FlameChannelTuning } from './transport/grpc/channel-options.js';
export { FlameChannel, type FlameChannelOptions } from './transport/grpc/channel.js';
export { type FlameTlsOptions } from './transport/grpc/credentials.js';
export { DEFAULT_FLAME_PORT, type FlameEndpoint, parseFlameEndpoint } from './transport/grpc/endpoint.js';
export { FlameChannelClosedError, FlameEndpointError, FlameTlsConfigError, FlameTransportOptionError } from './transport/grpc/errors.js';
export { type FlameCallOptions } from './transport/grpc/methods.js';
export { type ConnectFlameOptions, FlameUnreachableError, connectFlame } from './interop/flame-ready.js';
export { type AffinityKey, MAX_AFFINITY_KEYS, MAX_AFFINITY_KEY_BYTES, MAX_AFFINITY_TOTAL_BYTES, TaskAffinityError } from './model/flame/affinity.js';
export { type SessionTokens } from './model/flame/session-tokens.js';
export { FlameUnknownProtocolError, FlameUnsupportedFeatureError, type FlameVersion } from './model/flame/version-errors.js';
export { type ApplicationFilter } from './observables/flame/applications.js';
export { type CreateTaskOptions } from './observables/flame/tasks.js';
export { type SessionFilter, resumeSession, suspendSession } from './observables/flame/session-queries.js';
export { FLAME_CAPABILITIES, type FlameCapabilities } from './observables/flame/version-tables.js';
export { type FlameProtocol, type FlameVersionOption } from './observables/flame/protocol.js';
export { WATCH_TASKS_LINGER_MS, sharedTaskWatch } from './observables/flame/watch-tasks-hub.js';
export { type AttributeKey } from './service/attributes.js';
export { type FlameServiceVersion } from './service/instance-versions.js';
export { type CreateTaskOnceOptions, createTaskOnce } from './observables/flame/create-task-once.js';
export { FlameTaskMismatchError } from './observables/flame/task-identity.js';
export { type CancelPacing, DEFAULT_CANCEL_PACING } from './transport/grpc/cancel-pacer.js';
export { type AbortOptions } from './interop/abortable.js';
