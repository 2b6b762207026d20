// Exact status and event texts of the Flame session manager, filesystem-storage profile
// (flame.md sections 3.2, 3.4 and 3.6). `{os error}` placeholders are filled with the text
// Rust prints for ENOENT, the error the filesystem engine hits for a missing file; the
// protocol reference does not spell it out, so that text is a choice.

/** The operating-system error text the filesystem engine appends to "not found" messages. */
const OS_NOT_FOUND = 'No such file or directory (os error 2)';

/**
 * Server message texts, keyed by the situation that produces them.
 *
 * @example
 * ```ts
 * import { flameMessages } from 'flame-pie-rx/testing';
 * flameMessages.sessionUnknown('s1'); // => 'session <s1>'
 * ```
 */
export const flameMessages = {
  applicationSpecMissing: 'applilcation spec is missed',
  sessionSpecMissing: 'session spec',
  invalidTaskId: 'invalid task id',
  invalidSchema: (which: 'input' | 'output' | 'common data', detail: string) =>
    `invalid ${which} schema: ${detail}`,
  workingDirectoryNotAbsolute: (wd: string) => `working_directory must be an absolute path, got: ${wd}`,
  // Only the "empty" text is documented; the other name-validation texts are chosen here.
  applicationNameEmpty: 'application name cannot be empty',
  applicationNameTooLong: (length: number) =>
    `application name is too long: ${length} characters (maximum 253)`,
  // Seen on a real 0.6 session manager (flame-0.6-observed.md).
  applicationNamePathSeparator: (name: string) =>
    `application name contains invalid characters (path traversal): ${name}`,
  applicationNameLeadingCharacter: (name: string) =>
    `application name '${name}' must not start with '.' or '-'`,
  applicationNameInvalidCharacter: (name: string, character: string) =>
    `application name '${name}' contains invalid character '${character}'; only ASCII letters, digits, '-', '_' and '.' are allowed`,
  applicationAlreadyExists: (name: string) => `Application '${name}' already exists`,
  applicationNotFound: (name: string) => `Application ${name} not found: ${OS_NOT_FOUND}`,
  applicationDeleteFailed: (name: string) => `Failed to delete application '${name}': ${OS_NOT_FOUND}`,
  applicationUnregisterOpenSessions: (name: string) =>
    `Cannot unregister application '${name}': has open sessions`,
  applicationUpdateOpenSessions: (name: string) => `Cannot update application '${name}': has open sessions`,
  applicationNotEnabled: (name: string) => `Application ${name} is not enabled`,
  sessionAlreadyExists: (id: string) => `Session '${id}' already exists`,
  sessionSpecMismatch: (id: string, field: string, expected: string, got: string) =>
    `session <${id}> spec mismatch: ${field} differs (expected ${expected}, got ${got})`,
  sessionNotOpen: (id: string) => `Session ${id} is not open`,
  openSessionNotFound: (id: string) => `Session ${id} not found`,
  sessionUnknown: (id: string) => `session <${id}>`,
  closeWithRunningTasks: 'Cannot close session with running tasks',
  deleteOpenSession: 'Cannot delete open session',
  deleteNonTerminalTasks: 'Cannot delete session with non-terminal tasks',
  createTaskSessionNotFound: (id: string) => `Session ${id} not found: ${OS_NOT_FOUND}`,
  createTaskClosedSession: 'Cannot create task in closed session',
  nodeNotFound: (name: string) => `node <${name}> not found`,
  taskCreated: 'Task was created with state <Pending>',
  taskRunning: 'Task state was updated to <Running>',
  taskSucceeded: 'Task was completed with state <Succeed>',
  taskFailed: 'Task failed with state <Failed>',
  bindFailed: (executorId: string, node: string, returnCode: number, detail: string) =>
    `Executor <${executorId}> on node <${node}> failed to bind session with return_code <${returnCode}>: ${detail}`,
  retryLimitReached: (failures: number, limit: number) =>
    `Session retry limit reached after ${failures}/${limit} failed attempts; new executor assignment is paused for this session; existing executors are unchanged.`,
  // Flame 0.7 WatchTasks (flame-0.7.md 3.1): texts of the interim server where known.
  watchNoTask: 'at least one task is required',
  watchOneSession: 'all watched tasks must be in one session',
  watchSessionClosed: 'session is closed',
  watchClosed: 'session task watch closed',
  // Unpinned upstream (only the code is known); chosen texts.
  watchTaskNotFound: (taskId: string) => `task <${taskId}> not found`,
  invalidAffinity: (rule: string) => `invalid task affinity: ${rule}`,
  invalidFilter: (field: string) => `invalid ${field} filter`,
  // Not specified upstream (a real restart surfaces as a transport error); chosen text.
  streamBroken: 'stream interrupted: the server is unavailable',
} as const;

/**
 * Event codes of spec section 3.6: task codes equal the TaskState numbers; 1001/1002 are
 * session-level.
 *
 * @example
 * ```ts
 * import { FlameEventCode } from 'flame-pie-rx/testing';
 * FlameEventCode.SessionBindFailed; // => 1001
 * ```
 */
export const FlameEventCode = {
  TaskCreated: 0,
  TaskRunning: 1,
  TaskSucceeded: 2,
  TaskFailed: 3,
  SessionBindFailed: 1001,
  SessionRetryLimitReached: 1002,
} as const;
