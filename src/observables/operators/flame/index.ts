// Barrel of src/observables/operators/flame: pipeline operators for Flame tasks.
export * from './invalid-options-error.js';
export * from './task-failure.js';
export * from './until-terminal.js';
export { taskOutput } from './task-output.js';
export * from './run-all.js';
export * from './resubmit-failed-tasks.js';
export { admittedOnce } from './admission.js';
export * from './follow-created.js';
