// The generations room: which Pie generation a client speaks and what it can do there.
export * from './generation-tracker.js';
export * from './capabilities.js';
