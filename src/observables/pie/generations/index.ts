// The generations room: which Pie generation a client speaks and what it can do there.
export * from './generation-tracker.js';
export * from './capabilities.js';
export * from './refused-as-0.6.js';
