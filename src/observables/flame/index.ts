// Barrel of src/observables/flame: the Flame client, its session handle and task watch.
export * from './client.js';
export * from './context.js';
export * from './session-handle.js';
export * from './sessions.js';
export * from './session-queries.js';
export * from './applications.js';
export * from './tasks.js';
export * from './cluster.js';
export * from './order.js';
export * from './watch-task-core.js';
export * from './watch-task.js';
export * from './task-watch-gave-up-error.js';
export * from './run-task.js';
export * from './session-status.js';
export * from './protocol.js';
export * from './watch-tasks-hub.js';
