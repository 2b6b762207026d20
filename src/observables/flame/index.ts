// Barrel of src/observables/flame: the Flame client and its task watch.
export * from './task-watch-gave-up-error.js';
export * from './watch-task-core.js';
