// Entry point `flame-pie-rx`: shared types, errors, operators and Promise helpers.
// Only the public API is exported here (checked against etc/*.api.md by `npm run api:check`).
export { type ConnectionState, type ConnectionStateKind, describeConnectionState } from './transport/connection-state.js';
export { type BackoffPolicy, backoffDelay, backoffPolicy, defaultBackoffPolicy } from './transport/backoff.js';
export { type ShouldRetry, retryAlways, retryNever, retryTransient } from './transport/should-retry.js';
export { type RetryWithBackoffOptions, retryWithBackoff } from './transport/retry-with-backoff.js';
export { ClientError, type CredentialEcho, redactSecrets } from './model/errors.js';
export { InvalidOptionsError } from './observables/operators/flame/invalid-options-error.js';
export { TASK_FAILED_EVENT_CODE, taskFailedErrorOf, taskFailureMessage } from './observables/operators/flame/task-failure.js';
export { untilTerminal } from './observables/operators/flame/until-terminal.js';
export { taskOutput } from './observables/operators/flame/task-output.js';
export { DEFAULT_RUN_ALL_CONCURRENCY, type RunAllOptions, runAll } from './observables/operators/flame/run-all.js';
export {
  type ResubmitFailedTasksOptions,
  defaultResubmitPolicy,
  resubmitFailedTasks,
  retryFailedTasks,
} from './observables/operators/flame/resubmit-failed-tasks.js';
export { ofKind } from './observables/operators/pie/of-kind.js';
export { stdoutText } from './observables/operators/pie/stdout-text.js';
export { returnValue } from './observables/operators/pie/return-value.js';
export { untilProcessEnd } from './observables/operators/pie/until-process-end.js';
export { type ValueOptions, NoValueError, firstValue, lastValue } from './interop/promise.js';
export { type AbortOptions, abortable } from './interop/abortable.js';
export { admittedOnce } from './observables/operators/flame/admission.js';
export { followCreated } from './observables/operators/flame/follow-created.js';
export { processIdleTimeout } from './observables/operators/pie/process-idle-timeout.js';
